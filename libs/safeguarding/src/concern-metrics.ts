import { metricsRegistry } from '@lib/core';
import { Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';

let source: DataSource | null = null;

/**
 * Concern reports still waiting for a lead, read from the database when /metrics is scraped
 * (counts only), so operators can alert on an overdue or unassigned report whatever process
 * runs the jobs: `waiting` (new), `overdue` (new and past its deadline), `urgent` (new, child in
 * danger now), `unassigned` (new, and nobody is named lead at the school or above).
 */
export const concernReportsGauge = new Gauge({
  name: 'safenest_concern_reports',
  help: 'Concern reports not yet acknowledged, by kind (waiting, overdue, urgent, unassigned)',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
  async collect() {
    const ds = source;
    if (!ds?.isInitialized) {
      return;
    }
    try {
      const yes = ds.options.type === 'postgres' ? 'true' : '1';
      const p = ds.options.type === 'postgres' ? '$1' : '?';
      const [row] = await ds.query<Record<string, string | number | null>[]>(
        `SELECT COUNT(*) AS waiting,
           SUM(CASE WHEN due_at < ${p} THEN 1 ELSE 0 END) AS overdue,
           SUM(CASE WHEN imminent_danger = ${yes} THEN 1 ELSE 0 END) AS urgent,
           SUM(CASE WHEN escalation_exhausted = ${yes} THEN 1 ELSE 0 END) AS unassigned
         FROM concern_report WHERE state = 'new' AND erased_at IS NULL`,
        [
          ds.options.type === 'postgres'
            ? new Date()
            : new Date().toISOString().replace('T', ' ').replace('Z', ''),
        ],
      );
      for (const kind of ['waiting', 'overdue', 'urgent', 'unassigned'] as const) {
        this.set({ kind }, Number(row?.[kind] ?? 0));
      }
    } catch {
      // Database closing or unreachable: keep the last values rather than fail the scrape.
    }
  },
});

/** The database the gauge reads (the last app to start in this process). */
export function watchConcernReports(ds: DataSource): void {
  source = ds;
}
