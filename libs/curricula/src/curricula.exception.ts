import { DomainException } from '@lib/core';

/** Why a curricula operation failed; each code has its HTTP status in `curriculaErrorStatus`. */
export enum CurriculaErrorCode {
  /** The curricula folder has problems; the app must not start. */
  INVALID_CONTENT = 'CURRICULA_INVALID_CONTENT',
  MODULE_NOT_FOUND = 'CURRICULA_MODULE_NOT_FOUND',
  PAGE_NOT_FOUND = 'CURRICULA_PAGE_NOT_FOUND',
  CHECK_NOT_FOUND = 'CURRICULA_CHECK_NOT_FOUND',
  /** A learner's response has the wrong shape or names an unknown id. */
  INVALID_ANSWER = 'CURRICULA_INVALID_ANSWER',
  /** No such attempt for this learner (or a step outside it). */
  ATTEMPT_NOT_FOUND = 'CURRICULA_ATTEMPT_NOT_FOUND',
  /** The attempt is already submitted: answers can no longer change. */
  ATTEMPT_CLOSED = 'CURRICULA_ATTEMPT_CLOSED',
  /** The link's retry policy allows no further attempt. */
  NO_ATTEMPTS_LEFT = 'CURRICULA_NO_ATTEMPTS_LEFT',
  /** A learner opened a module other than the one their LMS link names. */
  MODULE_NOT_IN_LAUNCH = 'CURRICULA_MODULE_NOT_IN_LAUNCH',
  /** The page needs another role (teacher view for a learner, school view without a school…). */
  NOT_ALLOWED = 'CURRICULA_NOT_ALLOWED',
}

export function curriculaErrorStatus(code: CurriculaErrorCode): number {
  switch (code) {
    case CurriculaErrorCode.INVALID_CONTENT:
      return 500;
    case CurriculaErrorCode.MODULE_NOT_FOUND:
    case CurriculaErrorCode.PAGE_NOT_FOUND:
    case CurriculaErrorCode.CHECK_NOT_FOUND:
    case CurriculaErrorCode.ATTEMPT_NOT_FOUND:
      return 404;
    case CurriculaErrorCode.INVALID_ANSWER:
      return 400;
    case CurriculaErrorCode.ATTEMPT_CLOSED:
    case CurriculaErrorCode.NO_ATTEMPTS_LEFT:
      return 409;
    case CurriculaErrorCode.MODULE_NOT_IN_LAUNCH:
    case CurriculaErrorCode.NOT_ALLOWED:
      return 403;
  }
}

/** A curricula failure with a code; `details` holds ids and reasons only, never personal data. */
export class CurriculaException extends DomainException {
  declare readonly code: CurriculaErrorCode;

  constructor(code: CurriculaErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, curriculaErrorStatus(code), details);
  }
}
