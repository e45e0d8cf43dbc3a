import { DomainException } from '@lib/core';

export enum OrgsErrorCode {
  ORG_NOT_FOUND = 'ORG_NOT_FOUND',
  ORG_CODE_TAKEN = 'ORG_CODE_TAKEN',
  ORG_INVALID_PARENT = 'ORG_INVALID_PARENT',
}

function statusOf(code: OrgsErrorCode): number {
  switch (code) {
    case OrgsErrorCode.ORG_NOT_FOUND:
      return 404;
    case OrgsErrorCode.ORG_CODE_TAKEN:
      return 409;
    case OrgsErrorCode.ORG_INVALID_PARENT:
      return 400;
  }
}

export class OrgsException extends DomainException {
  constructor(code: OrgsErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, statusOf(code), details);
  }
}
