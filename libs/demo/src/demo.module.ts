import { Module } from '@nestjs/common';
import { DemoSeeder } from './demo.seeder';

/** Provides the seeder; the tool runs it at start-up when DEMO_SEED is on, the CLI on demand. */
@Module({ providers: [DemoSeeder], exports: [DemoSeeder] })
export class DemoModule {}
