import { CliArgs, CliCommand, CliRunner, requireFlag } from '@lib/core';
import { Injectable } from '@nestjs/common';
import { ConcernAuditService } from '../audit/concern-audit.service';
import { ConcernReportsService } from '../concern-reports.service';
import { IntakeKeysService } from '../intake/intake-keys.service';

@Injectable()
@CliCommand({
  name: 'safeguarding:key-create',
  description:
    'Issue an intake API key for an online service; it may report for schools under --org. The key is shown once.',
  usage: '--name <service name> --org <org code>',
})
export class IntakeKeyCreateCommand implements CliRunner {
  constructor(private readonly keys: IntakeKeysService) {}

  async run(args: CliArgs, out: (line: string) => void): Promise<number> {
    const { id, key } = await this.keys.issue(requireFlag(args, 'name'), requireFlag(args, 'org'));
    out(`Key ${id} issued. Give this key to the service now; it cannot be shown again:`);
    out(key);
    return 0;
  }
}

@Injectable()
@CliCommand({
  name: 'safeguarding:key-revoke',
  description: 'Revoke an intake API key (its reports stay).',
  usage: '--id <key id>',
})
export class IntakeKeyRevokeCommand implements CliRunner {
  constructor(private readonly keys: IntakeKeysService) {}

  async run(args: CliArgs, out: (line: string) => void): Promise<number> {
    const id = requireFlag(args, 'id');
    if (!(await this.keys.revoke(id))) {
      out(`No active key ${id}.`);
      return 1;
    }
    out(`Key ${id} revoked.`);
    return 0;
  }
}

@Injectable()
@CliCommand({ name: 'safeguarding:key-list', description: 'List intake API keys.' })
export class IntakeKeyListCommand implements CliRunner {
  constructor(private readonly keys: IntakeKeysService) {}

  async run(_args: CliArgs, out: (line: string) => void): Promise<number> {
    const keys = await this.keys.list();
    if (keys.length === 0) {
      out('No intake keys.');
    }
    for (const k of keys) {
      out(
        `${k.id}  ${k.revokedAt ? 'revoked' : 'active '}  last used ${k.lastUsedAt?.toISOString() ?? 'never'}  ${k.name}`,
      );
    }
    return 0;
  }
}

@Injectable()
@CliCommand({
  name: 'safeguarding:audit-verify',
  description:
    'Check the concern audit trail: every row present, unedited and in order (HMAC chain). Exit 1 if not.',
})
export class AuditVerifyCommand implements CliRunner {
  constructor(private readonly audit: ConcernAuditService) {}

  async run(_args: CliArgs, out: (line: string) => void): Promise<number> {
    const { checked, problem, head } = await this.audit.verify();
    if (problem) {
      out(
        `Audit trail BROKEN at entry ${problem.seq} (${problem.reason}) after ${checked} good entries.`,
      );
      return 1;
    }
    out(
      `Audit trail intact: ${checked} entries.${head ? ` Head: ${head.seq} ${head.hash} (keep this line elsewhere to detect a cut tail).` : ''}`,
    );
    return 0;
  }
}

@Injectable()
@CliCommand({
  name: 'safeguarding:retention',
  description:
    'Erase now the content of closed reports past SAFEGUARDING_RETENTION_DAYS (hourly job).',
})
export class RetentionCommand implements CliRunner {
  constructor(private readonly reports: ConcernReportsService) {}

  async run(_args: CliArgs, out: (line: string) => void): Promise<number> {
    out(`Erased ${await this.reports.eraseExpired()} reports.`);
    return 0;
  }
}

export const SAFEGUARDING_COMMANDS = [
  IntakeKeyCreateCommand,
  IntakeKeyRevokeCommand,
  IntakeKeyListCommand,
  AuditVerifyCommand,
  RetentionCommand,
];
