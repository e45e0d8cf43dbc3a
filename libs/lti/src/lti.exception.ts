import { DomainException } from '@lib/core';

/**
 * Every way an LTI flow can be refused. Each code is also the reason code in the log line and
 * on the page; `lti.reason.<CODE>` and `lti.fix.<CODE>` explain it to the user and the LMS admin.
 */
export enum LtiErrorCode {
  LOGIN_PARAMS_MISSING = 'LOGIN_PARAMS_MISSING',
  PLATFORM_UNKNOWN = 'PLATFORM_UNKNOWN',
  PLATFORM_INACTIVE = 'PLATFORM_INACTIVE',
  TARGET_LINK_INVALID = 'TARGET_LINK_INVALID',
  ID_TOKEN_MISSING = 'ID_TOKEN_MISSING',
  JWT_MALFORMED = 'JWT_MALFORMED',
  JWT_ALG_NOT_ALLOWED = 'JWT_ALG_NOT_ALLOWED',
  JWT_KID_UNKNOWN = 'JWT_KID_UNKNOWN',
  JWT_SIGNATURE_INVALID = 'JWT_SIGNATURE_INVALID',
  JWT_EXPIRED = 'JWT_EXPIRED',
  JWT_IAT_IN_FUTURE = 'JWT_IAT_IN_FUTURE',
  JWT_AUD_MISMATCH = 'JWT_AUD_MISMATCH',
  JWT_ISS_MISMATCH = 'JWT_ISS_MISMATCH',
  PLATFORM_KEYS_UNAVAILABLE = 'PLATFORM_KEYS_UNAVAILABLE',
  STATE_MISSING = 'STATE_MISSING',
  STATE_UNKNOWN = 'STATE_UNKNOWN',
  STATE_COOKIE_MISSING = 'STATE_COOKIE_MISSING',
  STATE_COOKIE_MISMATCH = 'STATE_COOKIE_MISMATCH',
  NONCE_MISMATCH = 'NONCE_MISMATCH',
  NONCE_REUSED = 'NONCE_REUSED',
  DEPLOYMENT_UNKNOWN = 'DEPLOYMENT_UNKNOWN',
  CLAIM_MISSING = 'CLAIM_MISSING',
  LTI_VERSION_UNSUPPORTED = 'LTI_VERSION_UNSUPPORTED',
  MESSAGE_TYPE_UNSUPPORTED = 'MESSAGE_TYPE_UNSUPPORTED',
  LINK_WITHOUT_MODULE = 'LINK_WITHOUT_MODULE',
  LAUNCH_TOKEN_MISSING = 'LAUNCH_TOKEN_MISSING',
  LAUNCH_TOKEN_INVALID = 'LAUNCH_TOKEN_INVALID',
  LAUNCH_EXPIRED = 'LAUNCH_EXPIRED',
  NOT_DEEP_LINKING = 'NOT_DEEP_LINKING',
  DYNREG_FAILED = 'DYNREG_FAILED',
  REGISTRATION_NOT_FOUND = 'REGISTRATION_NOT_FOUND',
  REGISTRATION_INVALID = 'REGISTRATION_INVALID',
  SANDBOX_DISABLED = 'SANDBOX_DISABLED',
}

export function ltiErrorStatus(code: LtiErrorCode): number {
  switch (code) {
    case LtiErrorCode.LOGIN_PARAMS_MISSING:
    case LtiErrorCode.PLATFORM_UNKNOWN:
    case LtiErrorCode.TARGET_LINK_INVALID:
    case LtiErrorCode.ID_TOKEN_MISSING:
    case LtiErrorCode.JWT_MALFORMED:
    case LtiErrorCode.STATE_MISSING:
    case LtiErrorCode.CLAIM_MISSING:
    case LtiErrorCode.LTI_VERSION_UNSUPPORTED:
    case LtiErrorCode.MESSAGE_TYPE_UNSUPPORTED:
    case LtiErrorCode.NOT_DEEP_LINKING:
    case LtiErrorCode.DYNREG_FAILED:
    case LtiErrorCode.REGISTRATION_INVALID:
      return 400;
    case LtiErrorCode.JWT_ALG_NOT_ALLOWED:
    case LtiErrorCode.JWT_KID_UNKNOWN:
    case LtiErrorCode.JWT_SIGNATURE_INVALID:
    case LtiErrorCode.JWT_EXPIRED:
    case LtiErrorCode.JWT_IAT_IN_FUTURE:
    case LtiErrorCode.JWT_AUD_MISMATCH:
    case LtiErrorCode.JWT_ISS_MISMATCH:
    case LtiErrorCode.STATE_UNKNOWN:
    case LtiErrorCode.STATE_COOKIE_MISSING:
    case LtiErrorCode.STATE_COOKIE_MISMATCH:
    case LtiErrorCode.NONCE_MISMATCH:
    case LtiErrorCode.NONCE_REUSED:
    case LtiErrorCode.LAUNCH_TOKEN_MISSING:
    case LtiErrorCode.LAUNCH_TOKEN_INVALID:
    case LtiErrorCode.LAUNCH_EXPIRED:
      return 401;
    case LtiErrorCode.PLATFORM_INACTIVE:
    case LtiErrorCode.DEPLOYMENT_UNKNOWN:
      return 403;
    case LtiErrorCode.REGISTRATION_NOT_FOUND:
    case LtiErrorCode.SANDBOX_DISABLED:
      return 404;
    case LtiErrorCode.LINK_WITHOUT_MODULE:
      return 409;
    case LtiErrorCode.PLATFORM_KEYS_UNAVAILABLE:
      return 502;
  }
}

/** An LTI failure; `details` holds ids and claim names only, never personal data. */
export class LtiException extends DomainException {
  constructor(
    public readonly reason: LtiErrorCode,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(reason, message, ltiErrorStatus(reason), details);
  }
}
