import { DomainException } from '@lib/core';
import { IntakeService, SafeguardingErrorCode, SafeguardingException } from '@lib/safeguarding';
import { Body, Controller, Headers, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';

/**
 * Intake API for online services (docs/api/safeguarding-intake.md): an API key per service,
 * JSON only (files are refused), rate limited per key, idempotent by the caller's report id.
 */
@Controller('api/safeguarding/v1')
export class IntakeApiController {
  constructor(private readonly intake: IntakeService) {}

  @Post('reports')
  async file(
    @Req() req: Request,
    @Res() res: Response,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
  ): Promise<void> {
    if (req.is('multipart/*') || req.is('image/*') || req.is('video/*')) {
      throw new SafeguardingException(
        SafeguardingErrorCode.SG_UPLOAD_REFUSED,
        'Files and pictures are never accepted: send contentUrl (a link) only.',
      );
    }
    if (!req.is('application/json')) {
      throw new SafeguardingException(
        SafeguardingErrorCode.SG_UNSUPPORTED_MEDIA,
        'Send Content-Type: application/json.',
      );
    }
    try {
      const result = await this.intake.file(authorization, body);
      res.status(result.status).json(result.body);
    } catch (err) {
      if (
        err instanceof DomainException &&
        err.code === (SafeguardingErrorCode.SG_API_RATE_LIMITED as string) &&
        typeof err.details?.retryAfterSeconds === 'number'
      ) {
        res.setHeader('Retry-After', String(err.details.retryAfterSeconds));
      }
      throw err;
    }
  }
}
