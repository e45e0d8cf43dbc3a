import { FieldEncryptionService } from '@lib/core';
import { Logger } from '@nestjs/common';
import { DataSource, EntityTarget, LessThan, ObjectLiteral, Repository } from 'typeorm';
import {
  LtiAccessTokenEntity,
  LtiContextTokenEntity,
  LtiIdTokenEntity,
  LtiNonceEntity,
  LtiPlatformEntity,
  LtiPlatformStatusEntity,
  LtiPrivateKeyEntity,
  LtiPublicKeyEntity,
  LtiStateEntity,
} from '../entities/ltijs-store.entities';
import { text } from '../util/text.util';

type Doc = Record<string, unknown>;
type Query = Record<string, unknown> | undefined;

interface CollectionSpec {
  entity: EntityTarget<ObjectLiteral>;
  /** Document fields kept as columns (what ltijs queries by). */
  columns: string[];
  encrypted: boolean;
  /** ltijs's lifetime (its MongoDB TTL index), in seconds. */
  lifetimeSeconds?: number;
}

/** ltijs's collections, with the lifetimes of its MongoDB schema. */
export const LTIJS_COLLECTIONS: Record<string, CollectionSpec> = {
  platform: {
    entity: LtiPlatformEntity,
    columns: ['platformUrl', 'clientId', 'kid'],
    encrypted: false,
  },
  platformStatus: { entity: LtiPlatformStatusEntity, columns: ['id'], encrypted: false },
  publickey: {
    entity: LtiPublicKeyEntity,
    columns: ['kid', 'platformUrl', 'clientId'],
    encrypted: true,
  },
  privatekey: {
    entity: LtiPrivateKeyEntity,
    columns: ['kid', 'platformUrl', 'clientId'],
    encrypted: true,
  },
  accesstoken: {
    entity: LtiAccessTokenEntity,
    columns: ['platformUrl', 'clientId', 'scopes'],
    encrypted: true,
    lifetimeSeconds: 3600,
  },
  nonce: { entity: LtiNonceEntity, columns: ['nonce'], encrypted: false, lifetimeSeconds: 10 },
  state: { entity: LtiStateEntity, columns: ['state'], encrypted: false, lifetimeSeconds: 600 },
  idtoken: {
    entity: LtiIdTokenEntity,
    columns: ['iss', 'clientId', 'deploymentId', 'user'],
    encrypted: false,
    lifetimeSeconds: 24 * 3600,
  },
  contexttoken: {
    entity: LtiContextTokenEntity,
    columns: ['contextId', 'user'],
    encrypted: false,
    lifetimeSeconds: 24 * 3600,
  },
};

/** Column values are strings; ltijs sometimes queries with numbers (user ids). */
function columnValue(value: unknown): unknown {
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (a === null || b === null || a === undefined || b === undefined) {
    return false;
  }
  return typeof a === 'object' || typeof b === 'object'
    ? JSON.stringify(a) === JSON.stringify(b)
    : text(a) === text(b);
}

/**
 * ltijs's storage contract on our TypeORM data source (ltijs `setup(key, { plugin })`):
 * `Get` returns an array of plain documents or `false` when nothing matches (an empty array
 * makes ltijs loop on state look-ups); the key and token collections are stored encrypted as
 * `{ ...index, iv, data }` and come back decrypted with `createdAt` in milliseconds; expired
 * rows are invisible at once and deleted by {@link purgeExpired} (the `lti.cleanup` job).
 * `Replace` is an upsert (update in place, insert when absent), never delete + create.
 */
export class LtijsTypeOrmStore {
  private readonly logger = new Logger('LtijsStore');
  /** Set when setup() failed, so the caller can report why ltijs's deploy() gave up. */
  setupError?: Error;

  constructor(
    private readonly dataSource: DataSource,
    private readonly crypto: FieldEncryptionService,
  ) {}

  /** Called by ltijs's deploy(): the tables come from our migrations; check they are there. */
  async setup(): Promise<boolean> {
    try {
      for (const spec of Object.values(LTIJS_COLLECTIONS)) {
        await this.repo(spec).createQueryBuilder('r').select('1').limit(1).getRawMany();
      }
      return true;
    } catch (err) {
      this.setupError = err instanceof Error ? err : new Error(String(err));
      throw err;
    }
  }

  /** The data source belongs to the app; ltijs closing must not close it. */
  async Close(): Promise<boolean> {
    return true;
  }

  async Get(key: string | false, collection: string, query?: Query): Promise<Doc[] | false> {
    const spec = this.spec(collection);
    const rows = await this.find(spec, query);
    if (rows.length === 0) {
      return false;
    }
    return rows.map((row) => this.toDoc(spec, collection, row, key));
  }

  async Insert(key: string | false, collection: string, item: Doc, index?: Doc): Promise<boolean> {
    const spec = this.spec(collection);
    this.checkWrite(spec, key, item, index);
    await this.repo(spec).insert(this.toRow(spec, collection, item, index));
    return true;
  }

  async Replace(
    key: string | false,
    collection: string,
    query: Query,
    item: Doc,
    index?: Doc,
  ): Promise<boolean> {
    const spec = this.spec(collection);
    this.checkWrite(spec, key, item, index);
    const row = this.toRow(spec, collection, item, index);
    for (let attempt = 0; ; attempt++) {
      // Expired rows count as absent but still occupy unique keys: replace them too.
      const existing = await this.find(spec, query, { includeExpired: true, limit: 1 });
      if (existing.length > 0) {
        await this.repo(spec).update(this.pkOf(spec, existing[0]), row);
        return true;
      }
      try {
        await this.repo(spec).insert(row);
        return true;
      } catch (err) {
        // A concurrent Replace inserted the same unique key first: update that row instead.
        if (attempt > 0) {
          throw err;
        }
      }
    }
  }

  async Modify(
    key: string | false,
    collection: string,
    query: Query,
    modification: Doc,
  ): Promise<boolean> {
    const spec = this.spec(collection);
    if (!query || !modification) {
      throw new Error('MISSING_PARAMS');
    }
    const rows = await this.find(spec, query, { limit: spec.encrypted ? 1 : undefined });
    for (const row of rows) {
      const doc = this.toDoc(spec, collection, row, key || 'k');
      delete doc.createdAt;
      const next = { ...doc, ...modification };
      const index: Doc = {};
      for (const c of spec.columns) {
        index[c] = next[c] ?? row[c];
      }
      const patch = this.toRow(spec, collection, next, spec.encrypted ? index : undefined);
      // Modify keeps the document's age (MongoDB's updateOne does not touch createdAt).
      delete patch.createdAt;
      delete patch.expiresAt;
      await this.repo(spec).update(this.pkOf(spec, row), patch);
    }
    return true;
  }

  async Delete(collection: string, query: Query): Promise<boolean> {
    const spec = this.spec(collection);
    if (!query) {
      throw new Error('MISSING_PARAMS');
    }
    const rows = await this.find(spec, query, { includeExpired: true });
    for (const row of rows) {
      await this.repo(spec).delete(this.pkOf(spec, row));
    }
    return true;
  }

  /** Deletes rows past their lifetime; returns how many went. */
  async purgeExpired(now = new Date()): Promise<number> {
    let total = 0;
    for (const spec of Object.values(LTIJS_COLLECTIONS)) {
      if (spec.lifetimeSeconds) {
        const res = await this.repo(spec).delete({ expiresAt: LessThan(now) });
        total += res.affected ?? 0;
      }
    }
    return total;
  }

  private spec(collection: string): CollectionSpec {
    const spec = LTIJS_COLLECTIONS[collection];
    if (!spec) {
      throw new Error(`MISSING_COLLECTION: ${collection}`);
    }
    return spec;
  }

  private repo(spec: CollectionSpec): Repository<ObjectLiteral> {
    return this.dataSource.getRepository(spec.entity);
  }

  private pkOf(spec: CollectionSpec, row: ObjectLiteral): Record<string, string> {
    return spec.entity === LtiPlatformEntity ? { id: row.id } : { rowId: row.rowId };
  }

  private checkWrite(spec: CollectionSpec, key: string | false, item: Doc, index?: Doc): void {
    if (!item || (key && !index)) {
      throw new Error('MISSING_PARAMS');
    }
    if (spec.encrypted && !key) {
      throw new Error(`Collection requires an encryption key`);
    }
  }

  /** Rows matching `query` (equality on every key); columns in SQL, other fields in memory. */
  private async find(
    spec: CollectionSpec,
    query: Query,
    options: { includeExpired?: boolean; limit?: number } = {},
  ): Promise<ObjectLiteral[]> {
    const qb = this.repo(spec).createQueryBuilder('r');
    const rest: [string, unknown][] = [];
    let i = 0;
    for (const [field, value] of Object.entries(query ?? {})) {
      if (value === undefined) {
        continue;
      }
      if (spec.columns.includes(field)) {
        if (value === null) {
          qb.andWhere(`r.${field} IS NULL`);
        } else {
          qb.andWhere(`r.${field} = :v${i}`, { [`v${i}`]: columnValue(value) });
        }
        i++;
      } else {
        rest.push([field, value]);
      }
    }
    if (spec.lifetimeSeconds && !options.includeExpired) {
      qb.andWhere('(r.expiresAt IS NULL OR r.expiresAt > :now)', { now: new Date() });
    }
    if (rest.length === 0 && options.limit) {
      qb.limit(options.limit);
    }
    let rows = await qb.getMany();
    if (rest.length > 0) {
      if (spec.encrypted) {
        throw new Error('Encrypted collections can only be queried by their index fields');
      }
      rows = rows.filter((row) =>
        rest.every(([field, value]) => sameValue((row.doc as Doc | null)?.[field], value)),
      );
      if (options.limit) {
        rows = rows.slice(0, options.limit);
      }
    }
    return rows;
  }

  private toRow(spec: CollectionSpec, collection: string, item: Doc, index?: Doc): ObjectLiteral {
    const now = new Date();
    const row: ObjectLiteral = {
      createdAt: now,
      expiresAt: spec.lifetimeSeconds
        ? new Date(now.getTime() + spec.lifetimeSeconds * 1000)
        : null,
    };
    if (spec.entity === LtiPlatformEntity) {
      delete row.createdAt; // managed by the entity (CreateDateColumn)
    }
    const source = spec.encrypted ? (index ?? {}) : item;
    for (const c of spec.columns) {
      const v = source[c];
      row[c] = v === undefined || v === null ? null : text(v);
    }
    if (spec.encrypted) {
      const data = this.crypto.encrypt(JSON.stringify(item), `ltijs:${collection}`);
      row.data = data;
      row.iv = data.split('.')[2];
      row.doc = null;
    } else {
      row.doc = JSON.parse(JSON.stringify(item)) as Doc;
    }
    return row;
  }

  private toDoc(
    spec: CollectionSpec,
    collection: string,
    row: ObjectLiteral,
    key: string | false,
  ): Doc {
    if (spec.encrypted) {
      if (!key) {
        // ltijs asks for encrypted collections without a key only to list index fields.
        const index: Doc = { iv: row.iv, data: row.data };
        for (const c of spec.columns) {
          index[c] = row[c];
        }
        return index;
      }
      const doc = JSON.parse(this.crypto.decrypt(String(row.data), `ltijs:${collection}`)) as Doc;
      doc.createdAt = new Date(row.createdAt as Date).getTime();
      return doc;
    }
    const doc = { ...((row.doc as Doc | null) ?? {}) };
    if (spec.lifetimeSeconds) {
      doc.createdAt = new Date(row.createdAt as Date);
    }
    return doc;
  }
}
