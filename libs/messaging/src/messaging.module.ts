import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EmailBatchSender } from './channels/email/email-batch.sender';
import { SmsGateway } from './channels/sms/sms.gateway';
import { ZaloZnsGateway } from './channels/zalo/zalo-zns.gateway';
import { MessageDeliveryService } from './delivery/delivery.service';
import { MESSAGING_ENTITIES } from './entities';
import {
  DeliverJob,
  DeliveryRecoveryOnStart,
  DigestsJob,
  DispatchJob,
  ProgressJob,
  TickJob,
} from './jobs/messaging.jobs';
import { LmsAdapter } from './ports/lms.adapter';
import { MessagingAuditService } from './services/audit.service';
import { AudienceService } from './services/audience.service';
import { ClassesService } from './services/classes.service';
import { ComposeService } from './services/compose.service';
import { ConsentService } from './services/consent.service';
import { DigestService } from './services/digest.service';
import { InboxService } from './services/inbox.service';
import { InvitesService } from './services/invites.service';
import { JoinService } from './services/join.service';
import { MailTemplatesService } from './services/mail-templates.service';
import { MessageRendererService } from './services/message-renderer.service';
import { ParentAuthService } from './services/parent-auth.service';
import { ParentImportJob, ParentImportService } from './services/parent-import.service';
import { ParentSessionGuard } from './services/parent-session.guard';
import { ParentsService } from './services/parents.service';
import { ProgressService } from './services/progress.service';
import { SchoolAdminService } from './services/school-admin.service';
import { SchoolSettingsService } from './services/school-settings.service';
import { ThreadsService } from './services/threads.service';

const SERVICES = [
  MessagingAuditService,
  AudienceService,
  ParentsService,
  ConsentService,
  InvitesService,
  ClassesService,
  ParentAuthService,
  ParentSessionGuard,
  JoinService,
  MailTemplatesService,
  MessageRendererService,
  ComposeService,
  MessageDeliveryService,
  DigestService,
  ProgressService,
  ThreadsService,
  InboxService,
  SchoolAdminService,
  SchoolSettingsService,
  ParentImportService,
  EmailBatchSender,
  SmsGateway,
  ZaloZnsGateway,
  LmsAdapter,
];

/**
 * The school ↔ parent channel: services and job handlers (the tool and the worker both import
 * it; pages live in the tool app). LMS rosters, launches, the catalog and progress are reached
 * through {@link LmsAdapter}, from whatever modules the app has.
 */
@Module({
  imports: [TypeOrmModule.forFeature(MESSAGING_ENTITIES)],
  providers: [
    ...SERVICES,
    DispatchJob,
    DeliverJob,
    TickJob,
    DigestsJob,
    ProgressJob,
    ParentImportJob,
    DeliveryRecoveryOnStart,
  ],
  exports: SERVICES,
})
export class MessagingModule {}
