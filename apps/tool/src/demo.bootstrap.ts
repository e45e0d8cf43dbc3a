import { DemoSeeder } from '@lib/demo';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';

/** Seeds the demo on start-up when DEMO_SEED is on (the default in development). */
@Injectable()
export class DemoBootstrap implements OnApplicationBootstrap {
  constructor(private readonly seeder: DemoSeeder) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.seeder.enabled) {
      await this.seeder.seed();
    }
  }
}
