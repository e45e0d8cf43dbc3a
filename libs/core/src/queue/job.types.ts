import { SetMetadata } from '@nestjs/common';

export const JOB_HANDLER = Symbol('JOB_HANDLER');

export interface JobHandlerOptions {
  /** Attempts before the job is marked failed (default 8). */
  maxAttempts?: number;
  /** Run periodically (a Bull repeatable job, or a timer in the inline driver). */
  everySeconds?: number;
  /** Give up on one attempt after this long (default 5 minutes). */
  timeoutMs?: number;
}

export interface JobContext {
  jobId: string;
  attempt: number;
  maxAttempts: number;
}

/** A job handler: `run` must be safe to call twice for the same payload. */
export interface JobRunner<T = Record<string, string | number | boolean | null>> {
  run(payload: T, context: JobContext): Promise<void>;
}

/** Marks a provider as the handler of job `name`; both queue drivers discover it. */
export const JobHandler = (name: string, options: JobHandlerOptions = {}): ClassDecorator =>
  SetMetadata(JOB_HANDLER, { name, ...options });

/** Thrown by a handler to ask for a retry no sooner than `retryAfterMs` (e.g. HTTP 429 Retry-After). */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    public readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

/** Thrown by a handler when retrying cannot help (bad data, 4xx from a remote): fail at once. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

/** How a driver wakes up the processor for a job row. */
export abstract class QueueDriver {
  abstract readonly kind: 'inline' | 'bull';
  /**
   * Deliver a wake-up for a job row after `delayMs`. Duplicates must be harmless; `attempt`
   * (the row's attempt count) tells a retry's wake-up apart from a duplicate of the last one.
   */
  abstract push(job: { id: string; name: string; attempt: number }, delayMs: number): Promise<void>;
  /** Start consuming (only in processes that run jobs). */
  abstract startConsuming(
    process: (id: string) => Promise<void>,
    concurrency: number,
  ): Promise<void>;
  /** Register a periodic tick. */
  abstract schedule(name: string, everySeconds: number, tick: () => Promise<void>): Promise<void>;
  abstract ping(): Promise<boolean>;
  abstract close(): Promise<void>;
  /** Jobs waiting or delayed in the transport (for metrics/tests). */
  abstract pendingCount(): Promise<number>;
}

export const QUEUE_ROLE = Symbol('QUEUE_ROLE');
/** `producer`: only enqueues (tool with Bull). `consumer`: runs jobs (worker, or tool with inline). */
export type QueueRole = 'producer' | 'consumer';

export function backoffDelay(baseMs: number, attempt: number, random = Math.random): number {
  const exp = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 3_600_000);
  // ±20% jitter so a failed remote is not hit by every job at the same instant
  return Math.round(exp * (0.8 + random() * 0.4));
}
