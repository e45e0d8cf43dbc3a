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
  // Pages are per-user and sent no-store or short-lived: hashing every body for an ETag costs
  // CPU on each response and saves nothing. Static assets keep serve-static's own ETags.
  server.set('etag', false);
  // Node closes idle keep-alive connections after 5 s; a proxy (or a client) that reuses one at
  // that moment gets a reset (a 502 at the proxy; the launch benchmark saw one ECONNRESET in
  // ~8,000 launches). Outlive the proxy's own idle timeout; headers get a second more.
  const httpServer = server.getHttpServer();
  httpServer.keepAliveTimeout = config.http.keepAliveSeconds * 1000;
  httpServer.headersTimeout = httpServer.keepAliveTimeout + 1000;

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
    precomputed(
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
    ),
  );

  server.use(express.json({ limit: config.http.bodyLimit }));
  server.use(express.urlencoded({ limit: config.http.bodyLimit, extended: false }));
  server.use(cookieParser());
  server.useStaticAssets(path.join(config.appRoot, 'apps/tool/public'), {
    prefix: '/static/',
    maxAge: config.isProduction ? '7d' : 0,
  });
}

/**
 * Helmet's headers with our options are the same on every response: work them out once (by
 * running helmet against a recording response) and set them in one step, instead of running its
 * dozen middlewares per request.
 */
function precomputed(
  middleware: (req: Request, res: Response, next: (err?: unknown) => void) => void,
): (req: Request, res: Response, next: NextFunction) => void {
  const headers: Array<[string, string]> = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) =>
      headers.push([name, Array.isArray(value) ? value.join(', ') : String(value)]),
    removeHeader: (name: string) => removed.push(name),
  };
  let synchronous = false;
  middleware({} as Request, recorder as unknown as Response, (err?: unknown) => {
    if (err) {
      throw err instanceof Error ? err : new Error('security headers middleware failed');
    }
    synchronous = true;
  });
  if (!synchronous) {
    // Not a fixed header set after all: fall back to running it per request.
    return middleware;
  }
  return (_req, res, next) => {
    for (const [name, value] of headers) {
      res.setHeader(name, value);
    }
    for (const name of removed) {
      res.removeHeader(name);
    }
    next();
  };
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
