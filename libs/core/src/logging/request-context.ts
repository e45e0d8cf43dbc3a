import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What every log line of one request or job carries. Ids only, never personal data. */
export interface RequestContext {
  correlationId: string;
  /** e.g. job name, or the route */
  scope?: string;
  /** A staff member's session was recognised on this request (pages then link the account). */
  signedIn?: boolean;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const RequestContexts = {
  current(): RequestContext | undefined {
    return storage.getStore();
  },
  correlationId(): string | undefined {
    return storage.getStore()?.correlationId;
  },
  run<T>(context: Partial<RequestContext>, fn: () => T): T {
    return storage.run({ correlationId: context.correlationId ?? randomUUID(), ...context }, fn);
  },
};

const VALID_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Accepts a caller's X-Request-Id only when it is short and harmless. */
export function sanitizeCorrelationId(value: unknown): string {
  return typeof value === 'string' && VALID_ID.test(value) ? value : randomUUID();
}
