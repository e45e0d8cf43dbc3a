import { ParentImportEntity } from './import.entity';
import { BatchEntity, MessageEntity, RecipientEntity } from './message.entities';
import {
  ConsentEntity,
  ContactEntity,
  InviteCodeEntity,
  MagicLinkEntity,
  MessagingAuditEntity,
  ParentEntity,
  ParentSessionEntity,
  StudentLinkEntity,
} from './parent.entities';
import {
  ClassEntity,
  ReportEntity,
  SchoolSettingsEntity,
  ThreadEntity,
  ThreadPostEntity,
  ThreadStateEntity,
} from './thread.entities';

export * from './import.entity';
export * from './message.entities';
export * from './parent.entities';
export * from './thread.entities';

export const MESSAGING_ENTITIES = [
  ParentEntity,
  ContactEntity,
  StudentLinkEntity,
  InviteCodeEntity,
  ConsentEntity,
  MessagingAuditEntity,
  MagicLinkEntity,
  ParentSessionEntity,
  MessageEntity,
  RecipientEntity,
  BatchEntity,
  ThreadEntity,
  ThreadPostEntity,
  ThreadStateEntity,
  ReportEntity,
  SchoolSettingsEntity,
  ClassEntity,
  ParentImportEntity,
];
