import { findAppRoot, I18n, Lang, negotiateLang, RequestContexts, Views } from '@lib/core';
import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import * as path from 'node:path';
import { LtiException } from '../lti.exception';
import { LaunchRejected } from './launch-flow.service';
import '../lti.messages';
import { text } from '../util/text.util';

export const ltiViews = new Views(path.join(findAppRoot(), 'libs/lti/src/templates'));

/**
 * LTI refusals as a page in the user's language (launch locale, else Accept-Language): what
 * happened, what the LMS administrator can do, and the reason code.
 */
@Catch(LtiException)
export class LtiExceptionFilter implements ExceptionFilter {
  catch(exception: LtiException, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    if (res.headersSent) {
      return;
    }
    const lang: Lang =
      (exception instanceof LaunchRejected ? exception.lang : undefined) ?? negotiateLang(req);
    res.status(exception.status);
    const wantsJson =
      (req.headers.accept ?? '').includes('application/json') &&
      !(req.headers.accept ?? '').includes('text/html');
    if (wantsJson) {
      res.json({
        error: { code: exception.code, message: exception.message, details: exception.details },
        correlationId: RequestContexts.correlationId(),
      });
      return;
    }
    const base = `${req.protocol}://${req.get('host') ?? ''}`;
    const params = { base, claim: text(exception.details?.claim) };
    res.type('html').send(
      ltiViews.page(
        'lti-error',
        { title: I18n.t(lang, 'lti.error.title'), lang, path: req.path, embedded: true },
        {
          reason: I18n.t(lang, `lti.reason.${exception.reason}`, params),
          fix: I18n.t(lang, `lti.fix.${exception.reason}`, params),
          code: exception.reason,
          correlationId: RequestContexts.correlationId(),
          retryUrl: exception instanceof LaunchRejected ? exception.retryUrl : undefined,
        },
      ),
    );
  }
}
