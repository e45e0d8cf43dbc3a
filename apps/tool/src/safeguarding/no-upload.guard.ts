import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { SafeguardingErrorCode, SafeguardingException } from '@lib/safeguarding';
import type { Request } from 'express';

/**
 * Refuses file uploads before anything else looks at the request: the concern channel takes a
 * link, never a picture (sharing a sexual image of a child, even to report it, spreads it).
 */
@Injectable()
export class NoUploadGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (
      req.is('multipart/*') ||
      req.is('image/*') ||
      req.is('video/*') ||
      req.is('application/octet-stream')
    ) {
      throw new SafeguardingException(
        SafeguardingErrorCode.SG_UPLOAD_REFUSED,
        'Files and pictures are never accepted here: send a link only.',
      );
    }
    return true;
  }
}
