/**
 * A failure a user can understand. Libraries throw subclasses with their own code enum; the
 * global filter turns `status` into the HTTP status and `code` into GraphQL `extensions.code`
 * and into the translated message `errors.<code>` on HTML pages.
 */
export class DomainException extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly status: number,
    /** Safe to show: ids and reasons, never personal data. */
    public readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export enum CoreErrorCode {
  NOT_FOUND = 'NOT_FOUND',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  BAD_INPUT = 'BAD_INPUT',
  CSRF_FAILED = 'CSRF_FAILED',
  RATE_LIMITED = 'RATE_LIMITED',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  ACCOUNT_LOCKED = 'ACCOUNT_LOCKED',
  CONFLICT = 'CONFLICT',
}

function statusOf(code: CoreErrorCode): number {
  switch (code) {
    case CoreErrorCode.NOT_FOUND:
      return 404;
    case CoreErrorCode.UNAUTHENTICATED:
    case CoreErrorCode.INVALID_CREDENTIALS:
      return 401;
    case CoreErrorCode.FORBIDDEN:
    case CoreErrorCode.CSRF_FAILED:
      return 403;
    case CoreErrorCode.BAD_INPUT:
      return 400;
    case CoreErrorCode.RATE_LIMITED:
    case CoreErrorCode.ACCOUNT_LOCKED:
      return 429;
    case CoreErrorCode.CONFLICT:
      return 409;
  }
}

export class CoreException extends DomainException {
  constructor(code: CoreErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, statusOf(code), details);
  }
}
