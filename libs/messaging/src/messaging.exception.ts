import { DomainException } from '@lib/core';

export enum MessagingErrorCode {
  INVITE_CODE_INVALID = 'INVITE_CODE_INVALID',
  PARENT_NOT_FOUND = 'PARENT_NOT_FOUND',
  PARENT_UNAUTHENTICATED = 'PARENT_UNAUTHENTICATED',
  MAGIC_LINK_INVALID = 'MAGIC_LINK_INVALID',
  CONTACT_INVALID = 'CONTACT_INVALID',
  CONTACT_TAKEN = 'CONTACT_TAKEN',
  MESSAGE_NOT_FOUND = 'MESSAGE_NOT_FOUND',
  MESSAGE_EMPTY = 'MESSAGE_EMPTY',
  MESSAGE_NOT_EDITABLE = 'MESSAGE_NOT_EDITABLE',
  AUDIENCE_INVALID = 'AUDIENCE_INVALID',
  THREAD_NOT_FOUND = 'THREAD_NOT_FOUND',
  NOT_TEACHER = 'NOT_TEACHER',
  CLASS_UNKNOWN = 'CLASS_UNKNOWN',
  STUDENT_NOT_IN_CLASS = 'STUDENT_NOT_IN_CLASS',
  IMPORT_NOT_FOUND = 'IMPORT_NOT_FOUND',
  IMPORT_BAD_FILE = 'IMPORT_BAD_FILE',
  IMPORT_NOT_READY = 'IMPORT_NOT_READY',
  SETTINGS_INVALID = 'SETTINGS_INVALID',
  WEBHOOK_FORBIDDEN = 'WEBHOOK_FORBIDDEN',
  CHANNEL_UNAVAILABLE = 'CHANNEL_UNAVAILABLE',
  LTI_UNAVAILABLE = 'LTI_UNAVAILABLE',
  CURRICULUM_UNAVAILABLE = 'CURRICULUM_UNAVAILABLE',
}

export function messagingErrorStatus(code: MessagingErrorCode): number {
  switch (code) {
    case MessagingErrorCode.PARENT_NOT_FOUND:
    case MessagingErrorCode.MESSAGE_NOT_FOUND:
    case MessagingErrorCode.THREAD_NOT_FOUND:
    case MessagingErrorCode.IMPORT_NOT_FOUND:
    case MessagingErrorCode.CLASS_UNKNOWN:
      return 404;
    case MessagingErrorCode.PARENT_UNAUTHENTICATED:
      return 401;
    case MessagingErrorCode.NOT_TEACHER:
    case MessagingErrorCode.WEBHOOK_FORBIDDEN:
      return 403;
    case MessagingErrorCode.CONTACT_TAKEN:
    case MessagingErrorCode.MESSAGE_NOT_EDITABLE:
    case MessagingErrorCode.IMPORT_NOT_READY:
      return 409;
    case MessagingErrorCode.INVITE_CODE_INVALID:
    case MessagingErrorCode.MAGIC_LINK_INVALID:
    case MessagingErrorCode.CONTACT_INVALID:
    case MessagingErrorCode.MESSAGE_EMPTY:
    case MessagingErrorCode.AUDIENCE_INVALID:
    case MessagingErrorCode.STUDENT_NOT_IN_CLASS:
    case MessagingErrorCode.IMPORT_BAD_FILE:
    case MessagingErrorCode.SETTINGS_INVALID:
      return 400;
    case MessagingErrorCode.CHANNEL_UNAVAILABLE:
    case MessagingErrorCode.LTI_UNAVAILABLE:
    case MessagingErrorCode.CURRICULUM_UNAVAILABLE:
      return 503;
  }
}

export class MessagingException extends DomainException {
  declare readonly code: MessagingErrorCode;

  constructor(code: MessagingErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, messagingErrorStatus(code), details);
  }
}
