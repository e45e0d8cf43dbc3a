import { LtiModule } from '@lib/lti';
import { Module } from '@nestjs/common';
import { TeachController } from './teach.controller';

/** The teacher's class view and the school admin's overview, opened from LMS launches. */
@Module({
  imports: [LtiModule],
  controllers: [TeachController],
})
export class TeachModule {}
