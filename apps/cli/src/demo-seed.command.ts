import { CliCommand, CliRunner } from '@lib/core';
import { DemoSeeder } from '@lib/demo';
import { Injectable } from '@nestjs/common';

@Injectable()
@CliCommand({
  name: 'seed:demo',
  description: 'Create the demo organisations and accounts (idempotent).',
})
export class DemoSeedCommand implements CliRunner {
  constructor(private readonly seeder: DemoSeeder) {}

  async run(_args: unknown, out: (line: string) => void): Promise<number> {
    await this.seeder.seed();
    out('Demo data is in place.');
    return 0;
  }
}
