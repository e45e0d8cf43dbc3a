import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthService } from '../auth/auth.service';
import { Role } from '../auth/auth.entities';
import { OrgDirectory } from '../auth/org-directory';
import { JobEntity } from '../queue/job.entity';
import { OutboxSweeper } from '../queue/outbox.sweeper';
import { QueueService } from '../queue/queue.service';
import { CliArgs, CliCommand, CliRunner, requireFlag } from './cli-command';

@Injectable()
@CliCommand({
  name: 'migrate',
  description: 'Apply pending database migrations (also done at every start-up).',
})
export class MigrateCommand implements CliRunner {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async run(_args: CliArgs, out: (line: string) => void): Promise<number> {
    // The data source ran them while the CLI booted; report the state.
    const rows = await this.dataSource.query<{ name: string }[]>(
      'SELECT name FROM migrations ORDER BY id',
    );
    out(`Database is up to date (${rows.length} migrations applied).`);
    return 0;
  }
}

@Injectable()
@CliCommand({
  name: 'account:create',
  description:
    'Create a local account (the password is read from standard input unless --password is given).',
  usage:
    '--email <e-mail> --name <display name> [--password <pw>] [--role <role> --org <org code>]',
})
export class CreateAccountCommand implements CliRunner {
  constructor(
    private readonly auth: AuthService,
    private readonly orgs: OrgDirectory,
  ) {}

  async run(args: CliArgs, out: (line: string) => void): Promise<number> {
    const password =
      typeof args.flags.password === 'string' ? args.flags.password : await readStdinLine();
    const account = await this.auth.createAccount({
      email: requireFlag(args, 'email'),
      displayName: requireFlag(args, 'name'),
      password,
    });
    out(`Created account ${account.id}.`);
    if (args.flags.role) {
      return grant(this.auth, this.orgs, account.id, args, out);
    }
    return 0;
  }
}

@Injectable()
@CliCommand({
  name: 'role:grant',
  description: 'Give an account a role at an org node (and everything below it).',
  usage: `--email <e-mail> --role <${Object.values(Role).join('|')}> --org <org code>`,
})
export class GrantRoleCommand implements CliRunner {
  constructor(
    private readonly auth: AuthService,
    private readonly orgs: OrgDirectory,
  ) {}

  async run(args: CliArgs, out: (line: string) => void): Promise<number> {
    const account = await this.auth.findByEmail(requireFlag(args, 'email'));
    if (!account) {
      out('No account with that e-mail.');
      return 1;
    }
    return grant(this.auth, this.orgs, account.id, args, out);
  }
}

async function grant(
  auth: AuthService,
  orgs: OrgDirectory,
  accountId: string,
  args: CliArgs,
  out: (line: string) => void,
): Promise<number> {
  const role = requireFlag(args, 'role') as Role;
  if (!Object.values(Role).includes(role)) {
    out(`Unknown role ${role}; one of ${Object.values(Role).join(', ')}.`);
    return 1;
  }
  const code = requireFlag(args, 'org');
  const orgNodeId = await orgs.idOfCode(code);
  if (!orgNodeId) {
    out(`No org node with code ${code}.`);
    return 1;
  }
  await auth.grant(accountId, role, orgNodeId);
  out(`Granted ${role} at ${code}.`);
  return 0;
}

@Injectable()
@CliCommand({
  name: 'queue:ping',
  description: 'Enqueue a ping job and wait until a consumer has run it.',
  usage: '[--timeout <seconds>]',
})
export class QueuePingCommand implements CliRunner {
  constructor(
    private readonly queue: QueueService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async run(args: CliArgs, out: (line: string) => void): Promise<number> {
    const timeoutMs = Number(args.flags.timeout ?? 30) * 1000;
    const id = await this.queue.enqueue('core.ping', { note: 'cli' }, { maxAttempts: 3 });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const row = await this.dataSource.getRepository(JobEntity).findOneBy({ id });
      if (row?.status === 'done') {
        out(`pong: job ${id} processed (attempt ${row.attempts}).`);
        return 0;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    out(
      `No consumer processed job ${id} within ${timeoutMs / 1000}s: is the worker (or the tool with the inline queue) running?`,
    );
    return 1;
  }
}

@Injectable()
@CliCommand({ name: 'queue:status', description: 'Count jobs by name and status.' })
export class QueueStatusCommand implements CliRunner {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async run(_args: CliArgs, out: (line: string) => void): Promise<number> {
    const rows = await this.dataSource.query<
      { name: string; status: string; n: string | number }[]
    >('SELECT name, status, COUNT(*) AS n FROM job GROUP BY name, status ORDER BY name, status');
    if (rows.length === 0) {
      out('No jobs.');
    }
    for (const r of rows) {
      out(`${r.name.padEnd(32)} ${r.status.padEnd(8)} ${r.n}`);
    }
    return 0;
  }
}

@Injectable()
@CliCommand({
  name: 'queue:sweep',
  description: 'Re-enqueue jobs whose wake-up was lost (normally done every QUEUE_SWEEP_SECONDS).',
})
export class QueueSweepCommand implements CliRunner {
  constructor(private readonly sweeper: OutboxSweeper) {}

  async run(_args: CliArgs, out: (line: string) => void): Promise<number> {
    out(`Re-enqueued ${await this.sweeper.sweep(0)} jobs.`);
    return 0;
  }
}

export const CORE_COMMANDS = [
  MigrateCommand,
  CreateAccountCommand,
  GrantRoleCommand,
  QueuePingCommand,
  QueueStatusCommand,
  QueueSweepCommand,
];

async function readStdinLine(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new Error('Give --password, or pipe the password on standard input.');
  }
  let data = '';
  for await (const chunk of process.stdin) {
    data += String(chunk);
  }
  return data.split(/\r?\n/)[0] ?? '';
}
