import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process; metrics are module singletons so tests can boot many apps. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'safenest_' });

export const httpRequestDuration = new Histogram({
  name: 'safenest_http_request_duration_seconds',
  help: 'HTTP request duration by route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

export const jobsProcessed = new Counter({
  name: 'safenest_jobs_processed_total',
  help: 'Job attempts by job name and outcome (done, retry, failed)',
  labelNames: ['name', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const jobDuration = new Histogram({
  name: 'safenest_job_duration_seconds',
  help: 'Job attempt duration by job name',
  labelNames: ['name'] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
  registers: [metricsRegistry],
});

export const jobsBacklog = new Gauge({
  name: 'safenest_jobs_backlog',
  help: 'Job rows pending or running, as seen by the last sweep',
  registers: [metricsRegistry],
});
