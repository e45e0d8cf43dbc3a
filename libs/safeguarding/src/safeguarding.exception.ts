import { DomainException } from '@lib/core';

export enum SafeguardingErrorCode {
  SG_REPORT_NOT_FOUND = 'SG_REPORT_NOT_FOUND',
  SG_NOT_A_LEAD = 'SG_NOT_A_LEAD',
  SG_INVALID_REPORT = 'SG_INVALID_REPORT',
  SG_SCHOOL_NOT_FOUND = 'SG_SCHOOL_NOT_FOUND',
  SG_INVALID_TRANSITION = 'SG_INVALID_TRANSITION',
  SG_UPLOAD_REFUSED = 'SG_UPLOAD_REFUSED',
  SG_API_KEY_INVALID = 'SG_API_KEY_INVALID',
  SG_API_SCOPE = 'SG_API_SCOPE',
  SG_IDEMPOTENCY_CONFLICT = 'SG_IDEMPOTENCY_CONFLICT',
  SG_API_RATE_LIMITED = 'SG_API_RATE_LIMITED',
  SG_UNSUPPORTED_MEDIA = 'SG_UNSUPPORTED_MEDIA',
  SG_ERASED = 'SG_ERASED',
  SG_NO_HIGHER_LEAD = 'SG_NO_HIGHER_LEAD',
}

export function safeguardingErrorStatus(code: SafeguardingErrorCode): number {
  switch (code) {
    case SafeguardingErrorCode.SG_REPORT_NOT_FOUND:
    case SafeguardingErrorCode.SG_SCHOOL_NOT_FOUND:
      return 404;
    case SafeguardingErrorCode.SG_NOT_A_LEAD:
    case SafeguardingErrorCode.SG_API_SCOPE:
      return 403;
    case SafeguardingErrorCode.SG_INVALID_REPORT:
      return 400;
    case SafeguardingErrorCode.SG_INVALID_TRANSITION:
    case SafeguardingErrorCode.SG_IDEMPOTENCY_CONFLICT:
    case SafeguardingErrorCode.SG_NO_HIGHER_LEAD:
      return 409;
    case SafeguardingErrorCode.SG_ERASED:
      return 410;
    case SafeguardingErrorCode.SG_UPLOAD_REFUSED:
    case SafeguardingErrorCode.SG_UNSUPPORTED_MEDIA:
      return 415;
    case SafeguardingErrorCode.SG_API_KEY_INVALID:
      return 401;
    case SafeguardingErrorCode.SG_API_RATE_LIMITED:
      return 429;
  }
}

/** Details carry ids and reasons only, never what a reporter wrote. */
export class SafeguardingException extends DomainException {
  constructor(code: SafeguardingErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, safeguardingErrorStatus(code), details);
  }
}
