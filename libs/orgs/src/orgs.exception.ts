import { DomainException } from '@lib/core';

export enum OrgsErrorCode {
  ORG_NOT_FOUND = 'ORG_NOT_FOUND',
  ORG_CODE_TAKEN = 'ORG_CODE_TAKEN',
  ORG_INVALID_PARENT = 'ORG_INVALID_PARENT',
  ORG_INVALID_DATE = 'ORG_INVALID_DATE',
  ORG_CLOSED = 'ORG_CLOSED',
  ORG_HAS_CHILDREN = 'ORG_HAS_CHILDREN',
  ORG_IMPORT_NOT_FOUND = 'ORG_IMPORT_NOT_FOUND',
  ORG_IMPORT_BAD_FILE = 'ORG_IMPORT_BAD_FILE',
  ORG_IMPORT_NOT_READY = 'ORG_IMPORT_NOT_READY',
}

function statusOf(code: OrgsErrorCode): number {
  switch (code) {
    case OrgsErrorCode.ORG_NOT_FOUND:
    case OrgsErrorCode.ORG_IMPORT_NOT_FOUND:
      return 404;
    case OrgsErrorCode.ORG_CODE_TAKEN:
    case OrgsErrorCode.ORG_CLOSED:
    case OrgsErrorCode.ORG_HAS_CHILDREN:
    case OrgsErrorCode.ORG_IMPORT_NOT_READY:
      return 409;
    case OrgsErrorCode.ORG_INVALID_PARENT:
    case OrgsErrorCode.ORG_INVALID_DATE:
    case OrgsErrorCode.ORG_IMPORT_BAD_FILE:
      return 400;
  }
}

export class OrgsException extends DomainException {
  constructor(code: OrgsErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, statusOf(code), details);
  }
}
