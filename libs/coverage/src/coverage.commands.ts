import { CliArgs, CliCommand, CliRunner } from '@lib/core';
import { Injectable } from '@nestjs/common';
import { StatsService } from './stats.service';

@Injectable()
@CliCommand({
  name: 'coverage:rebuild',
  description: 'Recompute coverage stats and rollups from raw records and report any difference.',
  usage: '[--campaign <id>] [--active]',
})
export class CoverageRebuildCommand implements CliRunner {
  constructor(private readonly stats: StatsService) {}

  async run(args: CliArgs, out: (line: string) => void): Promise<number> {
    const results =
      typeof args.flags.campaign === 'string'
        ? [await this.stats.rebuild(args.flags.campaign, { fromRaw: true })]
        : await this.stats.rebuildAll(true, Boolean(args.flags.active));
    for (const r of results) {
      out(
        `${r.campaignId}: ${r.units} units, ${r.nodes} nodes in ${r.ms} ms; differed: ${r.unitsChanged} units, ${r.nodesChanged} nodes`,
      );
    }
    if (results.length === 0) {
      out('No campaign.');
    }
    return 0;
  }
}
