import { INestApplication, Logger } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import express, { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import * as path from 'node:path';
import { AppConfig } from '../config';
import { RequestContexts, sanitizeCorrelationId } from '../logging';
import { httpRequestDuration } from '../metrics';

const accessLog = new Logger('HTTP');

/**
 * Everything every request goes through, in order: correlation id, access log + metrics,
 * security headers, body limits, cookies. Shared by the tool's main.ts and the e2e tests so
 * tests exercise the same stack as production.
 */
export function configureHttp(app: INestApplication, config: AppConfig): void {
  const server = app as NestExpressApplication;
  server.set('trust proxy', config.http.trustProxy);
  server.disable('x-powered-by');

  server.use((req: Request, res: Response, next: NextFunction) => {
    const correlationId = sanitizeCorrelationId(req.headers['x-request-id']);
    res.setHeader('X-Request-Id', correlationId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // The route pattern (not the URL) keeps ids and tokens out of labels and logs.
      const route = routeOf(req);
      httpRequestDuration.observe(
        { method: req.method, route, status: String(res.statusCode) },
        seconds,
      );
      if (!route.startsWith('/health') && route !== '/metrics') {
        RequestContexts.run({ correlationId }, () =>
          accessLog.log({
            msg: 'request',
            method: req.method,
            route,
            status: res.statusCode,
            ms: Math.round(seconds * 1000),
          }),
        );
      }
    });
    RequestContexts.run({ correlationId }, () => next());
  });

  server.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          // LTI deep-linking responses post a form back to the LMS, so form-action stays open.
          frameAncestors: config.http.frameAncestors,
        },
      },
      // The LMS shows the tool in an iframe: X-Frame-Options would forbid it; CSP governs.
      frameguard: false,
      crossOriginEmbedderPolicy: false,
      crossOriginOpenerPolicy: false,
      crossOriginResourcePolicy: { policy: 'same-site' },
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
      hsts: config.secureCookies ? { maxAge: 15552000, includeSubDomains: false } : false,
    }),
  );

  server.use(express.json({ limit: config.http.bodyLimit }));
  server.use(express.urlencoded({ limit: config.http.bodyLimit, extended: false }));
  server.use(cookieParser());
  server.useStaticAssets(path.join(config.appRoot, 'apps/tool/public'), {
    prefix: '/static/',
    maxAge: config.isProduction ? '7d' : 0,
  });
}

function routeOf(req: Request): string {
  const route = (req as Request & { route?: { path?: string } }).route?.path;
  if (route) {
    return `${req.baseUrl}${route}`;
  }
  if (req.path.startsWith('/static/')) {
    return '/static/*';
  }
  return req.baseUrl || 'unmatched';
}
