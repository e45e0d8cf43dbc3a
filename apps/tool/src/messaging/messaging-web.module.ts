import { LtiModule } from '@lib/lti';
import { MessagingModule } from '@lib/messaging';
import { Module } from '@nestjs/common';
import { ParentPortalController } from './parent-portal.controller';
import { SchoolAdminController } from './school-admin.controller';
import { TeacherController } from './teacher.controller';
import { MessagingWebhooksController } from './webhooks.controller';

/** Pages of the parent channel: parent portal, teacher class page (LTI), school admin, webhooks. */
@Module({
  imports: [MessagingModule, LtiModule],
  controllers: [
    ParentPortalController,
    TeacherController,
    SchoolAdminController,
    MessagingWebhooksController,
  ],
})
export class MessagingWebModule {}
