import { OrgsService, OrgType } from '@lib/orgs';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createPublicKey, randomUUID } from 'node:crypto';
import { DataSource, IsNull, MoreThan } from 'typeorm';
import {
  LtiContextEntity,
  LtiDeploymentEntity,
  LtiRetiredKeyEntity,
} from '../entities/lti.entities';
import { KEY_ROTATION_GRACE_MS, MAX_KEY_ROTATION_GRACE_MS } from '../lti.constants';
import { LtiPlatformEntity, LtiPlatformStatusEntity } from '../entities/ltijs-store.entities';
import { LtiErrorCode, LtiException } from '../lti.exception';
import { LtijsService } from './ltijs.service';
import { text } from '../util/text.util';

export interface AuthConfig {
  method: 'JWK_SET' | 'JWK_KEY' | 'RSA_KEY';
  key: string;
}

/** A registered LMS, as the launch checks and the admin pages see it. */
export interface PlatformInfo {
  id: string;
  issuer: string;
  clientId: string;
  kid: string;
  name: string;
  authEndpoint: string;
  tokenEndpoint: string;
  authorizationServer: string;
  authConfig: AuthConfig;
  active: boolean;
  acceptNewDeployments: boolean;
  registeredVia: string;
}

export interface RegisterPlatformInput {
  issuer: string;
  clientId: string;
  name: string;
  authEndpoint: string;
  tokenEndpoint: string;
  authorizationServer?: string;
  authConfig: AuthConfig;
  active: boolean;
  registeredVia: 'manual' | 'dynamic' | 'sandbox';
  deploymentIds?: string[];
  acceptNewDeployments?: boolean;
}

const CACHE_MS = 10_000;

/**
 * Registrations (ltijs `platform` + `platformStatus`) and their deployments. Launch-path reads
 * are cached for a few seconds; changes made here clear the cache at once, other processes
 * see them within {@link CACHE_MS}.
 */
@Injectable()
export class PlatformRegistry {
  private readonly logger = new Logger(PlatformRegistry.name);
  private readonly cache = new Map<string, { at: number; value: PlatformInfo[] }>();
  private readonly deployments = new Map<string, { at: number; value: LtiDeploymentEntity }>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ltijs: LtijsService,
    private readonly orgs: OrgsService,
  ) {}

  private toInfo(row: LtiPlatformEntity, status?: LtiPlatformStatusEntity | null): PlatformInfo {
    const doc = row.doc ?? {};
    return {
      id: row.id,
      issuer: row.platformUrl,
      clientId: row.clientId,
      kid: row.kid,
      name: text(doc.platformName, row.platformUrl),
      authEndpoint: text(doc.authEndpoint),
      tokenEndpoint: text(doc.accesstokenEndpoint),
      authorizationServer: text(doc.authorizationServer, text(doc.accesstokenEndpoint)),
      authConfig: (doc.authConfig ?? { method: 'JWK_SET', key: '' }) as AuthConfig,
      // ltijs: a platform without a status row is active.
      active: status ? Boolean((status.doc as { active?: boolean } | null)?.active) : true,
      acceptNewDeployments: row.acceptNewDeployments,
      registeredVia: row.registeredVia,
    };
  }

  private async load(where: {
    id?: string;
    kid?: string;
    platformUrl?: string;
    clientId?: string;
  }): Promise<PlatformInfo[]> {
    const rows = await this.dataSource.getRepository(LtiPlatformEntity).find({ where });
    if (rows.length === 0) {
      return [];
    }
    const statuses = await this.dataSource
      .getRepository(LtiPlatformStatusEntity)
      .createQueryBuilder('s')
      .where('s.id IN (:...ids)', { ids: rows.map((r) => r.kid) })
      .getMany();
    return rows.map((r) =>
      this.toInfo(
        r,
        statuses.find((s) => s.id === r.kid),
      ),
    );
  }

  /** Platforms with this issuer (and client id when given), cached briefly. */
  async byIssuer(issuer: string, clientId?: string): Promise<PlatformInfo[]> {
    const key = `${issuer}\n${clientId ?? ''}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) {
      return hit.value;
    }
    const value = await this.load(
      clientId ? { platformUrl: issuer, clientId } : { platformUrl: issuer },
    );
    if (this.cache.size > 1000) {
      this.cache.clear();
    }
    this.cache.set(key, { at: Date.now(), value });
    return value;
  }

  async get(id: string): Promise<PlatformInfo> {
    const [info] = await this.load({ id });
    if (!info) {
      throw new LtiException(LtiErrorCode.REGISTRATION_NOT_FOUND, 'No such registration.', { id });
    }
    return info;
  }

  async list(): Promise<PlatformInfo[]> {
    const rows = await this.dataSource
      .getRepository(LtiPlatformEntity)
      .find({ order: { createdAt: 'ASC' } });
    const statuses = await this.dataSource.getRepository(LtiPlatformStatusEntity).find();
    return rows.map((r) =>
      this.toInfo(
        r,
        statuses.find((s) => s.id === r.kid),
      ),
    );
  }

  invalidate(): void {
    this.cache.clear();
    this.deployments.clear();
  }

  /** The fields of a registration that are wrong (empty list when it is fine). */
  static problemsOf(input: RegisterPlatformInput): string[] {
    const problems: string[] = [];
    const url = (field: string, value: string | undefined): void => {
      let ok = false;
      try {
        const u = new URL(value ?? '');
        ok = (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
      } catch {
        ok = false;
      }
      if (!ok || (value ?? '').length > 500) {
        problems.push(field);
      }
    };
    url('issuer', input.issuer);
    url('authEndpoint', input.authEndpoint);
    url('tokenEndpoint', input.tokenEndpoint);
    if (input.authorizationServer) {
      url('authorizationServer', input.authorizationServer);
    }
    if (input.authConfig?.method === 'JWK_SET') {
      url('jwksUrl', input.authConfig.key);
    } else if (!input.authConfig?.key) {
      problems.push('publicKey');
    }
    if (!input.clientId?.trim() || input.clientId.length > 255) {
      problems.push('clientId');
    }
    if (!input.name?.trim() || input.name.length > 200) {
      problems.push('name');
    }
    if ((input.deploymentIds ?? []).some((d) => !d || d.length > 255)) {
      problems.push('deploymentIds');
    }
    return problems;
  }

  /** Registers (or updates) a platform through ltijs, with its status and deployments. */
  async register(input: RegisterPlatformInput): Promise<PlatformInfo> {
    const problems = PlatformRegistry.problemsOf(input);
    if (problems.length > 0) {
      throw new LtiException(
        LtiErrorCode.REGISTRATION_INVALID,
        `Registration fields not valid: ${problems.join(', ')}.`,
        { problems },
      );
    }
    const ltiPlatform = await this.ltijs.provider.registerPlatform({
      url: input.issuer,
      clientId: input.clientId,
      name: input.name,
      authenticationEndpoint: input.authEndpoint,
      accesstokenEndpoint: input.tokenEndpoint,
      authorizationServer: input.authorizationServer,
      authConfig: input.authConfig,
    });
    const kid = await ltiPlatform.platformKid();
    await ltiPlatform.platformActive(input.active);
    await this.dataSource.getRepository(LtiPlatformEntity).update(
      { kid },
      {
        registeredVia: input.registeredVia,
        acceptNewDeployments: input.acceptNewDeployments ?? false,
      },
    );
    this.invalidate();
    const [info] = await this.load({ kid });
    for (const deploymentId of input.deploymentIds ?? []) {
      await this.ensureDeployment(info.id, deploymentId);
    }
    this.logger.log({ msg: 'platform registered', platformId: info.id, via: input.registeredVia });
    return info;
  }

  async setActive(id: string, active: boolean): Promise<void> {
    const info = await this.get(id);
    const platform = await this.ltijs.provider.getPlatform(info.issuer, info.clientId);
    if (!platform) {
      throw new LtiException(LtiErrorCode.REGISTRATION_NOT_FOUND, 'No such registration.', { id });
    }
    await platform.platformActive(active);
    this.invalidate();
    this.logger.log({
      msg: active ? 'platform activated' : 'platform deactivated',
      platformId: id,
    });
  }

  /**
   * New tool key pair for one platform (asynchronous generation). The platform sees the new
   * `kid` in our JWKS at its next fetch; the status row follows the key id. The old public key
   * stays in the JWKS for `graceMs` (platforms that cached our JWKS, or hold a token signed just
   * before, keep verifying), then the clean-up job drops it.
   */
  async rotateKeys(
    id: string,
    graceMs = KEY_ROTATION_GRACE_MS,
  ): Promise<{ oldKid: string; newKid: string; graceUntil: Date }> {
    if (!Number.isFinite(graceMs) || graceMs < 0 || graceMs > MAX_KEY_ROTATION_GRACE_MS) {
      throw new LtiException(
        LtiErrorCode.REGISTRATION_INVALID,
        `Grace period must be between 0 and ${MAX_KEY_ROTATION_GRACE_MS / 3600_000} hours.`,
      );
    }
    const info = await this.get(id);
    const graceUntil = new Date(Date.now() + graceMs);
    const current = await this.ltijs.store.Get(this.ltijs.encryptionKey, 'publickey', {
      kid: info.kid,
    });
    const pem = current ? (current[0] as { key?: unknown }).key : undefined;
    if (typeof pem === 'string' && graceMs > 0) {
      const { kty, n, e } = createPublicKey(pem).export({ format: 'jwk' });
      await this.dataSource.getRepository(LtiRetiredKeyEntity).save({
        kid: info.kid,
        platformId: id,
        jwk: { kty, n, e },
        retiredAt: new Date(),
        expiresAt: graceUntil,
      });
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Auth = require('ltijs/dist/Utils/Auth') as {
      generatePlatformKeyPair: (...a: unknown[]) => Promise<string>;
    };
    const newKid = await Auth.generatePlatformKeyPair(
      this.ltijs.encryptionKey,
      this.ltijs.store,
      info.issuer,
      info.clientId,
    );
    await this.dataSource.transaction(async (m) => {
      const row = await m.getRepository(LtiPlatformEntity).findOneByOrFail({ id });
      await m
        .getRepository(LtiPlatformEntity)
        .update({ id }, { kid: newKid, doc: { ...(row.doc ?? {}), kid: newKid } });
      await m
        .getRepository(LtiPlatformStatusEntity)
        .update({ id: info.kid }, { id: newKid, doc: { id: newKid, active: info.active } });
    });
    this.invalidate();
    this.logger.log({ msg: 'platform keys rotated', platformId: id, graceMs });
    return { oldKid: info.kid, newKid, graceUntil };
  }

  /**
   * The tool's JWKS: every platform's current public key, plus keys retired by a rotation whose
   * grace period has not ended.
   */
  async keyset(now = new Date()): Promise<{ keys: Record<string, unknown>[] }> {
    const current =
      (await this.ltijs.store.Get(this.ltijs.encryptionKey, 'publickey')) || ([] as never[]);
    const keys: Record<string, unknown>[] = [];
    const seen = new Set<string>();
    for (const row of current as { key?: unknown; kid?: unknown }[]) {
      if (typeof row.key !== 'string' || typeof row.kid !== 'string' || seen.has(row.kid)) {
        continue;
      }
      const { kty, n, e } = createPublicKey(row.key).export({ format: 'jwk' });
      keys.push({ kty, n, e, kid: row.kid, alg: 'RS256', use: 'sig' });
      seen.add(row.kid);
    }
    const retired = await this.dataSource
      .getRepository(LtiRetiredKeyEntity)
      .find({ where: { expiresAt: MoreThan(now) }, order: { retiredAt: 'DESC' } });
    for (const r of retired) {
      if (!seen.has(r.kid)) {
        keys.push({ ...r.jwk, kid: r.kid, alg: 'RS256', use: 'sig' });
        seen.add(r.kid);
      }
    }
    return { keys };
  }

  /** The deployment row, cached briefly; null when the platform never registered it. */
  async deployment(platformId: string, deploymentId: string): Promise<LtiDeploymentEntity | null> {
    const key = `${platformId}\n${deploymentId}`;
    const hit = this.deployments.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) {
      return hit.value;
    }
    const row = await this.dataSource
      .getRepository(LtiDeploymentEntity)
      .findOne({ where: { platformId, deploymentId } });
    if (row) {
      this.deployments.set(key, { at: Date.now(), value: row });
    }
    return row;
  }

  async ensureDeployment(platformId: string, deploymentId: string): Promise<LtiDeploymentEntity> {
    const existing = await this.deployment(platformId, deploymentId);
    if (existing) {
      return existing;
    }
    const repo = this.dataSource.getRepository(LtiDeploymentEntity);
    try {
      await repo.insert({
        id: randomUUID(),
        platformId,
        deploymentId,
        orgNodeId: null,
        lastLaunchAt: null,
      });
    } catch {
      // registered concurrently
    }
    this.logger.log({ msg: 'deployment registered', platformId });
    return repo.findOneByOrFail({ platformId, deploymentId });
  }

  /** Binds a deployment (created if needed) to an org node by its code; null unbinds. */
  async bindDeployment(
    platformId: string,
    deploymentId: string,
    orgCode: string | null,
  ): Promise<LtiDeploymentEntity> {
    const deployment = await this.ensureDeployment(platformId, deploymentId);
    let orgNodeId: string | null = null;
    if (orgCode) {
      const node = await this.orgs.findByCode(orgCode);
      if (!node) {
        throw new LtiException(LtiErrorCode.REGISTRATION_NOT_FOUND, `No org node ${orgCode}.`, {
          orgCode,
        });
      }
      orgNodeId = node.id;
    }
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(LtiDeploymentEntity).update({ id: deployment.id }, { orgNodeId });
      // Classes that waited unassigned under this deployment move with it when bound to a school.
      const node = orgNodeId ? await this.orgs.getById(orgNodeId) : null;
      if (node && (node.type === OrgType.SCHOOL || node.type === OrgType.FACILITY)) {
        await m
          .getRepository(LtiContextEntity)
          .update({ deploymentRowId: deployment.id, orgNodeId: IsNull() }, { orgNodeId });
      }
    });
    this.invalidate();
    this.logger.log({ msg: 'deployment bound', deploymentRowId: deployment.id, orgNodeId });
    return { ...deployment, orgNodeId };
  }

  async deploymentsOf(platformId: string): Promise<LtiDeploymentEntity[]> {
    return this.dataSource
      .getRepository(LtiDeploymentEntity)
      .find({ where: { platformId }, order: { createdAt: 'ASC' } });
  }

  /** Classes waiting in the "unassigned" bucket. */
  async unassignedContextCount(): Promise<number> {
    return this.dataSource
      .getRepository(LtiContextEntity)
      .count({ where: { orgNodeId: IsNull() } });
  }
}
