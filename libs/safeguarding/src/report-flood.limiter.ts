import { AppConfig, InjectConfig } from '@lib/core';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import {
  RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';

export interface FloodLimit {
  name: string;
  points: number;
  durationSeconds: number;
}

/** The public form: 20 sends per 10 minutes per pupil (from the player) or per address. */
export const HELP_FORM_LIMIT: FloodLimit = { name: 'sg-help', points: 20, durationSeconds: 600 };
/** Status look-ups by reference code: 20 per 10 minutes per address (codes are not guessable). */
export const HELP_STATUS_LIMIT: FloodLimit = {
  name: 'sg-help-status',
  points: 20,
  durationSeconds: 600,
};
/** Reports one service may file per minute (per key). */
export const INTAKE_REPORTS_PER_MINUTE = 60;
export const INTAKE_LIMIT: FloodLimit = {
  name: 'sg-intake',
  points: INTAKE_REPORTS_PER_MINUTE,
  durationSeconds: 60,
};

/**
 * Flood limits of the concern channel, counted in Redis when it is configured (so every
 * instance shares them) and in memory otherwise. The caller chooses the key: a pupil from the
 * player is counted by their pseudonymous id, not by the school's shared address, so one class
 * behind one NAT is never turned away together.
 */
@Injectable()
export class ReportFloodLimiter implements OnModuleDestroy {
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  private readonly redis?: Redis;

  constructor(@InjectConfig() private readonly config: AppConfig) {
    if (config.redisUrl) {
      this.redis = new Redis(config.redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
      });
      this.redis.on('error', () => undefined);
    }
  }

  /** Counts one attempt; returns null when allowed, else the seconds to wait. */
  async consume(limit: FloodLimit, key: string): Promise<number | null> {
    try {
      await this.limiter(limit).consume(key);
      return null;
    } catch (rej) {
      if (rej instanceof RateLimiterRes) {
        return Math.max(1, Math.ceil(rej.msBeforeNext / 1000));
      }
      return null; // store unavailable (and no insurance): availability over strictness
    }
  }

  private limiter(o: FloodLimit): RateLimiterAbstract {
    let limiter = this.limiters.get(o.name);
    if (!limiter) {
      const memory = new RateLimiterMemory({
        points: o.points,
        duration: o.durationSeconds,
        keyPrefix: o.name,
      });
      limiter = this.redis
        ? new RateLimiterRedis({
            storeClient: this.redis,
            points: o.points,
            duration: o.durationSeconds,
            keyPrefix: `${this.config.queuePrefix}:rl:${o.name}`,
            insuranceLimiter: memory,
          })
        : memory;
      this.limiters.set(o.name, limiter);
    }
    return limiter;
  }

  onModuleDestroy(): void {
    this.redis?.disconnect();
  }
}
