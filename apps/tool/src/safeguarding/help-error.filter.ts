import {
  AllExceptionsFilter,
  DomainException,
  findAppRoot,
  I18n,
  negotiateLang,
  RequestContexts,
  Views,
} from '@lib/core';
import { ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import type { Request, Response } from 'express';
import * as path from 'node:path';

/**
 * Errors on the public help pages (a flood limit, a refused upload, an expired form) are shown
 * with the help numbers still on the page: whoever reached it may need 111 or 113 now.
 * API clients get the same JSON as everywhere else.
 */
@Catch()
export class HelpErrorFilter extends AllExceptionsFilter {
  private readonly pages = new Views(
    path.join(findAppRoot(), 'apps/tool/src/safeguarding/templates'),
  );

  override catch(exception: unknown, host: ArgumentsHost): unknown {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const wantsHtml = (req.headers.accept ?? '').includes('text/html');
    const status =
      exception instanceof DomainException
        ? exception.status
        : exception instanceof HttpException
          ? exception.getStatus()
          : 500;
    if (!wantsHtml || status >= 500 || res.headersSent) {
      return super.catch(exception, host);
    }
    const code = exception instanceof DomainException ? exception.code : `HTTP_${status}`;
    const lang = negotiateLang(req);
    const key = `errors.${code}`;
    res
      .status(status)
      .type('html')
      .send(
        this.pages.page(
          'help-error',
          {
            title: I18n.t(lang, 'core.error.title'),
            lang,
            path: req.originalUrl,
            styles: ['/static/safeguarding.css'],
          },
          {
            message: I18n.has(lang, key) ? I18n.t(lang, key) : I18n.t(lang, 'errors.BAD_INPUT'),
            code,
            correlationId: RequestContexts.correlationId(),
          },
        ),
      );
    return undefined;
  }
}
