import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  OnModuleDestroy,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request, Response } from 'express';
import Redis from 'ioredis';
import {
  RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { APP_CONFIG, AppConfig } from '../config';
import { CoreErrorCode, CoreException } from '../errors';

export interface RateLimitOptions {
  /** Bucket name: limits with different names do not share counters. */
  name: string;
  points: number;
  durationSeconds: number;
}

const RATE_LIMIT = Symbol('RATE_LIMIT');

/** A stricter limit for one route (login, public forms, intake API). */
export const RateLimit = (options: RateLimitOptions): MethodDecorator & ClassDecorator =>
  SetMetadata(RATE_LIMIT, options);

/**
 * Per-IP limits: a generous default for every route and stricter ones where declared. Counters
 * live in Redis when it is configured, so every instance behind the load balancer shares them.
 */
@Injectable()
export class RateLimitGuard implements CanActivate, OnModuleDestroy {
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  private readonly redis?: Redis;

  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    if (config.redisUrl) {
      this.redis = new Redis(config.redisUrl, {
        enableOfflineQueue: false,
        lazyConnect: false,
        maxRetriesPerRequest: 1,
      });
      this.redis.on('error', () => undefined);
    }
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { req, res } = httpOf(context);
    if (!req) {
      return true;
    }
    const declared = this.reflector.getAllAndOverride<RateLimitOptions | undefined>(RATE_LIMIT, [
      context.getHandler(),
      context.getClass(),
    ]);
    const options = declared ?? {
      name: 'default',
      points: this.config.http.rateLimitPerMinute,
      durationSeconds: 60,
    };
    const limiter = this.limiter(options);
    const key = req.ip ?? 'unknown';
    try {
      await limiter.consume(key);
      return true;
    } catch (rej) {
      if (rej instanceof RateLimiterRes) {
        res?.setHeader('Retry-After', String(Math.ceil(rej.msBeforeNext / 1000)));
        throw new CoreException(
          CoreErrorCode.RATE_LIMITED,
          'Too many requests; try again shortly.',
          {
            retryAfterSeconds: Math.ceil(rej.msBeforeNext / 1000),
          },
        );
      }
      return true; // Redis unavailable: availability over strictness (insuranceLimiter handles most)
    }
  }

  private limiter(o: RateLimitOptions): RateLimiterAbstract {
    const id = `${o.name}:${o.points}:${o.durationSeconds}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      const memory = new RateLimiterMemory({
        points: o.points,
        duration: o.durationSeconds,
        keyPrefix: id,
      });
      limiter = this.redis
        ? new RateLimiterRedis({
            storeClient: this.redis,
            points: o.points,
            duration: o.durationSeconds,
            keyPrefix: `${this.config.queuePrefix}:rl:${id}`,
            insuranceLimiter: memory,
          })
        : memory;
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  onModuleDestroy(): void {
    this.redis?.disconnect();
  }
}

export function httpOf(context: ExecutionContext): { req?: Request; res?: Response } {
  if (context.getType<string>() === 'graphql') {
    const gql = GqlExecutionContext.create(context).getContext<{ req?: Request; res?: Response }>();
    return { req: gql.req, res: gql.res };
  }
  if (context.getType() === 'http') {
    return {
      req: context.switchToHttp().getRequest<Request>(),
      res: context.switchToHttp().getResponse<Response>(),
    };
  }
  return {};
}
