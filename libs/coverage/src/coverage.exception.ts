import { DomainException } from '@lib/core';

export enum CoverageErrorCode {
  COVERAGE_INVALID = 'COVERAGE_INVALID',
  COVERAGE_LOCKED = 'COVERAGE_LOCKED',
  COVERAGE_NOT_READY = 'COVERAGE_NOT_READY',
  COVERAGE_NOT_IN_CAMPAIGN = 'COVERAGE_NOT_IN_CAMPAIGN',
  COVERAGE_WRONG_STATE = 'COVERAGE_WRONG_STATE',
}

function statusOf(code: CoverageErrorCode): number {
  switch (code) {
    case CoverageErrorCode.COVERAGE_INVALID:
      return 400;
    case CoverageErrorCode.COVERAGE_NOT_IN_CAMPAIGN:
      return 404;
    case CoverageErrorCode.COVERAGE_LOCKED:
    case CoverageErrorCode.COVERAGE_NOT_READY:
    case CoverageErrorCode.COVERAGE_WRONG_STATE:
      return 409;
  }
}

export class CoverageException extends DomainException {
  constructor(code: CoverageErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, statusOf(code), details);
  }
}
