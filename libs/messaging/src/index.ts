/**
 * @lib/messaging — the school ↔ parent channel: parents and their children (invite codes,
 * imports), consent (Law 91/2025), announcements, threads, digests, family notes, and delivery
 * over e-mail, SMS, Zalo ZNS and the parent web inbox, through an outbox with exactly-once
 * e-mail in practice (ADR 0601).
 *
 * - {@link MessagingModule}: every service and job handler (tool and worker).
 * - Parents: {@link JoinService} (invite code → parent), {@link ParentsService} (contacts,
 *   preferences, children, erasure), {@link ConsentService}, {@link ParentAuthService} (magic
 *   links, sessions) with {@link ParentSessionGuard} / {@link CurrentParent},
 *   {@link InboxService} (inbox, read receipts, data download), {@link ParentImportService}.
 * - Staff: {@link InvitesService}, {@link ClassesService}, {@link ComposeService},
 *   {@link ThreadsService}, {@link SchoolAdminService}, {@link SchoolSettingsService},
 *   {@link ProgressService} (family notes, weekly digests), {@link DigestService}.
 * - Delivery: {@link MessageDeliveryService} (dispatch, batches, recovery).
 * - Ports: {@link ProgressSource} (bind the player's AttemptsService to it).
 */
import type { SchemaDefinition } from '@lib/core';
import { MESSAGING_ENTITIES } from './entities';
import { POSTGRES_MIGRATIONS } from './migrations/postgres';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';
import './messaging.messages';

export { MessagingModule } from './messaging.module';
export { MessagingErrorCode, MessagingException } from './messaging.exception';
export {
  MESSAGING_JOBS,
  PARENT_SESSION_COOKIE,
  CONSENT_TEXT_VERSION,
  FAMILY_NOTE_CLASS_SHARE,
} from './messaging.constants';
export { CONSENT_TEXTS, CONSENT_PURPOSES } from './consent.text';
export { ProgressSource, type Completion } from './ports/progress-source';
export { LmsAdapter, type ClassLearner } from './ports/lms.adapter';
export { JoinService, type JoinInput, type JoinResult } from './services/join.service';
export {
  ParentsService,
  type ContactView,
  type ParentPreferences,
} from './services/parents.service';
export { ConsentService } from './services/consent.service';
export { ParentAuthService } from './services/parent-auth.service';
export { ParentSessionGuard, CurrentParent, loadParent } from './services/parent-session.guard';
export { InboxService, type InboxItem } from './services/inbox.service';
export { InvitesService, type InviteSlip } from './services/invites.service';
export { ClassesService } from './services/classes.service';
export { ComposeService, type ComposeInput } from './services/compose.service';
export { ThreadsService, type PostView, type TeacherRef } from './services/threads.service';
export { SchoolAdminService, type MessageStats } from './services/school-admin.service';
export { SchoolSettingsService, type SchoolSettings } from './services/school-settings.service';
export { ProgressService } from './services/progress.service';
export { DigestService } from './services/digest.service';
export { ParentImportService, PARENT_IMPORT_COLUMNS } from './services/parent-import.service';
export { MessageDeliveryService } from './delivery/delivery.service';
export { smsKeyword } from './channels/sms/sms.gateway';
export { MessageRendererService } from './services/message-renderer.service';
export { MailTemplatesService, type RenderedMail } from './services/mail-templates.service';
/** Entities (tests and benchmarks read them; pages get models from the services). */
export * from './entities';

export const MESSAGING_SCHEMA: SchemaDefinition = {
  entities: MESSAGING_ENTITIES,
  migrations: { sqlite: SQLITE_MIGRATIONS, postgres: POSTGRES_MIGRATIONS },
};
