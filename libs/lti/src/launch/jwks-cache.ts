import { Logger } from '@nestjs/common';
import { createPublicKey, KeyObject } from 'node:crypto';

interface Entry {
  keys: Map<string, KeyObject>;
  fetchedAt: number;
  inflight?: Promise<void>;
}

/**
 * Platforms' public keys. A JWKS is fetched once and kept for `ttlMs`; a `kid` it does not
 * hold triggers one refetch (key rotation), at most every `minRefetchMs` per URL so forged
 * tokens with random kids cannot make us hammer the platform. Concurrent misses share a fetch.
 */
export class JwksCache {
  private readonly logger = new Logger('JwksCache');
  private readonly entries = new Map<string, Entry>();
  /** Fetches made so far (for metrics and tests). */
  fetches = 0;

  constructor(
    private readonly ttlMs = 3600_000,
    private readonly minRefetchMs = 10_000,
    private readonly timeoutMs = 5_000,
  ) {}

  /** The key, or null when the platform does not publish it; throws when the JWKS cannot be read. */
  async key(url: string, kid: string): Promise<KeyObject | null> {
    let entry = this.entries.get(url);
    if (!entry || Date.now() - entry.fetchedAt > this.ttlMs) {
      entry = await this.refresh(url, entry);
    }
    let key = entry.keys.get(kid);
    if (!key && Date.now() - entry.fetchedAt > this.minRefetchMs) {
      entry = await this.refresh(url, entry);
      key = entry.keys.get(kid);
    }
    return key ?? null;
  }

  forget(url?: string): void {
    if (url) {
      this.entries.delete(url);
    } else {
      this.entries.clear();
    }
  }

  private async refresh(url: string, stale?: Entry): Promise<Entry> {
    const current = this.entries.get(url);
    if (current?.inflight) {
      await current.inflight;
      return this.entries.get(url)!;
    }
    const entry: Entry = current ?? stale ?? { keys: new Map(), fetchedAt: 0 };
    entry.inflight = (async () => {
      try {
        this.fetches++;
        const res = await fetch(url, {
          headers: { Accept: 'application/json' },
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        if (!res.ok) {
          throw new Error(`JWKS answered ${res.status}`);
        }
        const body = (await res.json()) as { keys?: Record<string, unknown>[] };
        const keys = new Map<string, KeyObject>();
        for (const jwk of body.keys ?? []) {
          if (jwk.kty === 'RSA' && typeof jwk.kid === 'string' && (!jwk.use || jwk.use === 'sig')) {
            try {
              keys.set(jwk.kid, createPublicKey({ key: jwk as never, format: 'jwk' }));
            } catch {
              // skip a key we cannot read; the others still work
            }
          }
        }
        entry.keys = keys;
        entry.fetchedAt = Date.now();
      } catch (err) {
        this.logger.warn({ msg: 'JWKS fetch failed', err: String(err) });
        if (entry.fetchedAt === 0) {
          throw err;
        }
        entry.fetchedAt = Date.now(); // keep serving the stale keys for a while
      }
    })();
    this.entries.set(url, entry);
    try {
      await entry.inflight;
    } finally {
      entry.inflight = undefined;
    }
    return entry;
  }
}
