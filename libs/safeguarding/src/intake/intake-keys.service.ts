import { OrgsService } from '@lib/orgs';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { IntakeKeyEntity } from '../entities/intake-key.entity';
import { SafeguardingErrorCode, SafeguardingException } from '../safeguarding.exception';

const KEY_PATTERN = /^sgk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * API keys of online services: `sgk_<id>_<secret>`. The secret is 256 random bits, so a plain
 * SHA-256 is enough to store it (no password stretching needed); it is shown only once.
 */
@Injectable()
export class IntakeKeysService {
  private readonly logger = new Logger(IntakeKeysService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly orgs: OrgsService,
  ) {}

  private get keys() {
    return this.dataSource.getRepository(IntakeKeyEntity);
  }

  async issue(name: string, scopeCode: string): Promise<{ id: string; key: string }> {
    const scope = await this.orgs.findByCode(scopeCode);
    if (!scope) {
      throw new SafeguardingException(
        SafeguardingErrorCode.SG_SCHOOL_NOT_FOUND,
        `No org node with code ${scopeCode}.`,
      );
    }
    const id = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    await this.keys.insert({
      id,
      name: name.trim().slice(0, 200),
      scopeOrgNodeId: scope.id,
      secretHash: sha256(secret),
      revokedAt: null,
      lastUsedAt: null,
    });
    this.logger.log({ msg: 'intake key issued', keyId: id, scopeOrgNodeId: scope.id });
    return { id, key: `sgk_${id.replace(/-/g, '')}_${secret}` };
  }

  /** The active key behind an `Authorization: Bearer …` header, or SG_API_KEY_INVALID. */
  async authenticate(authorization: string | undefined): Promise<IntakeKeyEntity> {
    const m = KEY_PATTERN.exec(/^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '');
    const hex = m?.[1];
    const id = hex
      ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
      : null;
    const row = id ? await this.keys.findOne({ where: { id, revokedAt: IsNull() } }) : null;
    const expected = Buffer.from(row?.secretHash ?? '0'.repeat(64), 'hex');
    const actual = Buffer.from(sha256(m?.[2] ?? ''), 'hex');
    if (!row || !timingSafeEqual(expected, actual)) {
      throw new SafeguardingException(
        SafeguardingErrorCode.SG_API_KEY_INVALID,
        'Missing, unknown or revoked API key (Authorization: Bearer sgk_…).',
      );
    }
    await this.keys.update({ id: row.id }, { lastUsedAt: new Date() });
    return row;
  }

  async revoke(id: string): Promise<boolean> {
    const res = await this.keys.update({ id, revokedAt: IsNull() }, { revokedAt: new Date() });
    return (res.affected ?? 0) > 0;
  }

  async list(): Promise<IntakeKeyEntity[]> {
    return this.keys.find({ order: { createdAt: 'ASC' } });
  }
}
