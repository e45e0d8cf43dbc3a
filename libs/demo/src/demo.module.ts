import { CoverageModule } from '@lib/coverage';
import { MessagingModule } from '@lib/messaging';
import { Module } from '@nestjs/common';
import { DemoSeeder } from './demo.seeder';

/** Provides the seeder; the tool runs it at start-up when DEMO_SEED is on, the CLI on demand. */
@Module({
  imports: [CoverageModule, MessagingModule],
  providers: [DemoSeeder],
  exports: [DemoSeeder],
})
export class DemoModule {}
