import { CliArgs, CliCommand, CliRunner, requireFlag } from '@lib/core';
import { Injectable } from '@nestjs/common';
import { KEY_ROTATION_GRACE_MS } from '../lti.constants';
import { PlatformRegistry } from '../services/platform-registry.service';

@Injectable()
@CliCommand({
  name: 'platform:add',
  description: 'Register an LMS by hand (when it cannot use Dynamic Registration).',
  usage:
    '--issuer <url> --client-id <id> --name <name> --auth-url <url> --token-url <url> --jwks-url <url> [--deployment <id,id>] [--inactive] [--accept-new-deployments]',
})
export class PlatformAddCommand implements CliRunner {
  constructor(private readonly platforms: PlatformRegistry) {}

  async run(args: CliArgs, out: (line: string) => void): Promise<number> {
    const deployments =
      typeof args.flags.deployment === 'string'
        ? args.flags.deployment
            .split(',')
            .map((d) => d.trim())
            .filter(Boolean)
        : [];
    const info = await this.platforms.register({
      issuer: requireFlag(args, 'issuer'),
      clientId: requireFlag(args, 'client-id'),
      name: requireFlag(args, 'name'),
      authEndpoint: requireFlag(args, 'auth-url'),
      tokenEndpoint: requireFlag(args, 'token-url'),
      authConfig: { method: 'JWK_SET', key: requireFlag(args, 'jwks-url') },
      active: !args.flags.inactive,
      registeredVia: 'manual',
      deploymentIds: deployments,
      acceptNewDeployments: Boolean(args.flags['accept-new-deployments']),
    });
    out(`Registered platform ${info.id} (${info.active ? 'active' : 'inactive'}).`);
    out(`Tool keyset for the LMS: <PUBLIC_URL>/lti/keys (kid ${info.kid}).`);
    return 0;
  }
}

@Injectable()
@CliCommand({ name: 'platform:list', description: 'List registered LMSs and their deployments.' })
export class PlatformListCommand implements CliRunner {
  constructor(private readonly platforms: PlatformRegistry) {}

  async run(_args: CliArgs, out: (line: string) => void): Promise<number> {
    const all = await this.platforms.list();
    if (all.length === 0) {
      out('No platform registered.');
    }
    for (const p of all) {
      out(
        `${p.id}  ${p.active ? 'active  ' : 'inactive'}  ${p.registeredVia.padEnd(8)} ${p.issuer}  client ${p.clientId}`,
      );
      for (const d of await this.platforms.deploymentsOf(p.id)) {
        out(`    deployment ${d.deploymentId} → ${d.orgNodeId ?? 'unassigned'}`);
      }
    }
    return 0;
  }
}

@Injectable()
@CliCommand({
  name: 'platform:deactivate',
  description: 'Stop an LMS from launching (or --activate it again).',
  usage: '--id <platform id> [--activate]',
})
export class PlatformDeactivateCommand implements CliRunner {
  constructor(private readonly platforms: PlatformRegistry) {}

  async run(args: CliArgs, out: (line: string) => void): Promise<number> {
    const active = Boolean(args.flags.activate);
    await this.platforms.setActive(requireFlag(args, 'id'), active);
    out(`Platform ${requireFlag(args, 'id')} is now ${active ? 'active' : 'inactive'}.`);
    return 0;
  }
}

@Injectable()
@CliCommand({
  name: 'platform:rotate-keys',
  description: 'Give the tool a new key pair for one LMS (published at /lti/keys).',
  usage: '--id <platform id> [--grace-hours <hours the old key stays published, default 72>]',
})
export class PlatformRotateKeysCommand implements CliRunner {
  constructor(private readonly platforms: PlatformRegistry) {}

  async run(args: CliArgs, out: (line: string) => void): Promise<number> {
    const hours = args.flags['grace-hours'];
    const graceMs = typeof hours === 'string' ? Number(hours) * 3600_000 : KEY_ROTATION_GRACE_MS;
    const { oldKid, newKid, graceUntil } = await this.platforms.rotateKeys(
      requireFlag(args, 'id'),
      graceMs,
    );
    out(
      `Rotated: kid ${oldKid} → ${newKid}; the old key stays in /lti/keys until ${graceUntil.toISOString()}.`,
    );
    return 0;
  }
}

@Injectable()
@CliCommand({
  name: 'deployment:bind',
  description:
    'Bind a deployment of an LMS to an org node (a school, or a province whose launches carry school_code); --org none unbinds.',
  usage: '--platform <platform id> --deployment <deployment id> --org <org code|none>',
})
export class DeploymentBindCommand implements CliRunner {
  constructor(private readonly platforms: PlatformRegistry) {}

  async run(args: CliArgs, out: (line: string) => void): Promise<number> {
    const org = requireFlag(args, 'org');
    const d = await this.platforms.bindDeployment(
      requireFlag(args, 'platform'),
      requireFlag(args, 'deployment'),
      org === 'none' ? null : org,
    );
    out(`Deployment ${d.deploymentId} → ${d.orgNodeId ?? 'unassigned'}.`);
    return 0;
  }
}

export const LTI_COMMANDS = [
  PlatformAddCommand,
  PlatformListCommand,
  PlatformDeactivateCommand,
  PlatformRotateKeysCommand,
  DeploymentBindCommand,
];
