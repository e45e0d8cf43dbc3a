import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { GqlArgumentsHost, GqlContextType } from '@nestjs/graphql';
import type { Request, Response } from 'express';
import { GraphQLError } from 'graphql';
import * as path from 'node:path';
import { findAppRoot } from '../config';
import { CoreErrorCode, DomainException } from '../errors';
import { I18n, negotiateLang } from '../i18n';
import { RequestContexts } from '../logging';
import { Views } from '../views';

interface Mapped {
  status: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

function map(exception: unknown): Mapped {
  if (exception instanceof DomainException) {
    return {
      status: exception.status,
      code: exception.code,
      message: exception.message,
      details: exception.details,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const body = exception.getResponse();
    const message =
      typeof body === 'object' && body !== null && 'message' in body
        ? ([] as unknown[]).concat(body.message).join('; ')
        : exception.message;
    const code =
      status === 404
        ? 'NOT_FOUND'
        : status === 413
          ? 'PAYLOAD_TOO_LARGE'
          : status === 400
            ? 'BAD_INPUT'
            : `HTTP_${status}`;
    return { status, code, message };
  }
  const e = exception as { type?: string; status?: number; message?: string };
  // body-parser errors (too large, malformed JSON) carry a status of their own
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return {
      status: e.status,
      code: e.type === 'entity.too.large' ? 'PAYLOAD_TOO_LARGE' : 'BAD_INPUT',
      message: e.message ?? 'Bad request',
    };
  }
  return { status: 500, code: 'INTERNAL', message: 'Internal server error' };
}

/**
 * One place where errors become responses: JSON for API clients, a translated page for
 * browsers, `extensions.code` for GraphQL. 5xx are logged with their stack; 4xx with their code.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');
  private readonly views = new Views(path.join(findAppRoot(), 'libs/core/src/views/templates'));

  catch(exception: unknown, host: ArgumentsHost): unknown {
    const mapped = map(exception);
    const correlationId = RequestContexts.correlationId();
    if (mapped.status >= 500) {
      this.logger.error({ msg: 'unhandled error', code: mapped.code, err: exception });
    } else {
      this.logger.warn({ msg: 'request rejected', code: mapped.code, status: mapped.status });
    }
    if (host.getType<GqlContextType>() === 'graphql') {
      GqlArgumentsHost.create(host);
      return new GraphQLError(mapped.status >= 500 ? 'Internal server error' : mapped.message, {
        extensions: { code: mapped.code, status: mapped.status, ...(mapped.details ?? {}) },
      });
    }
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    if (res.headersSent) {
      return undefined;
    }
    res.status(mapped.status);
    const wantsHtml =
      (req.headers.accept ?? '').includes('text/html') && !req.path.startsWith('/graphql');
    if (wantsHtml) {
      const lang = negotiateLang(req);
      const key = `errors.${mapped.code}`;
      const message = I18n.has(lang, key)
        ? I18n.t(lang, key)
        : mapped.status >= 500
          ? I18n.t(lang, 'errors.INTERNAL')
          : mapped.message;
      res.type('html').send(
        this.views.page(
          'error',
          { title: I18n.t(lang, 'core.error.title'), lang, path: req.originalUrl },
          {
            heading: I18n.t(lang, 'core.error.title'),
            message,
            code: mapped.code,
            correlationId,
            // A page that needs a session offers the sign-in, which comes back here after.
            signInHref:
              mapped.code === String(CoreErrorCode.UNAUTHENTICATED) && req.method === 'GET'
                ? `/login?lang=${lang}&next=${encodeURIComponent(req.originalUrl)}`
                : null,
          },
        ),
      );
      return undefined;
    }
    res.json({
      error: {
        code: mapped.code,
        message: mapped.status >= 500 ? 'Internal server error' : mapped.message,
        ...(mapped.details ? { details: mapped.details } : {}),
      },
      correlationId,
    });
    return undefined;
  }
}
