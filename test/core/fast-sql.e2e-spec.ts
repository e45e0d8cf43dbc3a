import { buildDataSourceOptions, FastSql, loadConfig, runMigrations } from '@lib/core';
import { AttemptPolicyEntity } from '@lib/curricula';
import { LtiEnrolmentEntity, LtiLoginEntity } from '../../libs/lti/src/entities/lti.entities';
import { SCHEMA } from '@lib/schema';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { usesPostgres } from '../support/test-app';

/**
 * FastSql writes and reads the same column formats as TypeORM's repositories (dates, booleans,
 * JSON, nulls), its transactions are atomic, and on SQLite its writes never land inside a TypeORM
 * transaction that happens to be open on the shared connection.
 */
describe(`FastSql (${usesPostgres() ? 'PostgreSQL' : 'SQLite'})`, () => {
  let ds: DataSource;
  let sql: FastSql;

  beforeAll(async () => {
    ds = new DataSource(buildDataSourceOptions(loadConfig(), SCHEMA));
    await ds.initialize();
    await runMigrations(ds);
    sql = new FastSql(ds);
  });

  afterAll(async () => {
    await ds.destroy();
  });

  const login = (over: Partial<LtiLoginEntity> = {}): LtiLoginEntity => ({
    state: randomUUID(),
    nonce: 'n-1',
    platformId: randomUUID(),
    storageTarget: null,
    params: { iss: 'https://lms.example', login_hint: 'ü 42' },
    expiresAt: new Date(Date.now() + 60_000),
    usedAt: null,
    ...over,
  });

  it('writes rows TypeORM reads back unchanged, and reads rows TypeORM wrote', async () => {
    const written = login();
    await sql.exec(sql.insert(LtiLoginEntity, written));
    const viaTypeorm = await ds.getRepository(LtiLoginEntity).findOneByOrFail({
      state: written.state,
    });
    expect(viaTypeorm).toEqual(written);

    const other = login({ storageTarget: '_parent', usedAt: new Date(Date.now() - 5_000) });
    await ds.getRepository(LtiLoginEntity).insert(other);
    const [viaFast] = await sql.find(
      LtiLoginEntity,
      sql.select(LtiLoginEntity, { state: other.state }, undefined, { limit: 1 }),
    );
    expect(viaFast).toEqual(other);
  });

  it('encodes booleans and JSON arrays, stamps created/updated, and matches NULL in where', async () => {
    const id = randomUUID();
    const contextRowId = randomUUID();
    const userId = randomUUID();
    await sql.exec(
      sql.insert(LtiEnrolmentEntity, {
        id,
        contextRowId,
        userId,
        roles: ['Learner', 'Mentor'],
        learner: true,
        instructor: false,
        status: 'Active',
        lastLaunchAt: null,
        rosterSeenAt: null,
      }),
    );
    const row = await ds.getRepository(LtiEnrolmentEntity).findOneByOrFail({ id });
    expect(row).toMatchObject({ roles: ['Learner', 'Mentor'], learner: true, instructor: false });
    expect(row.createdAt).toBeInstanceOf(Date);
    expect(Math.abs(row.createdAt.getTime() - Date.now())).toBeLessThan(60_000);

    const before = row.updatedAt.getTime();
    await new Promise((r) => setTimeout(r, 20));
    const none = await sql.exec(
      sql.update(LtiEnrolmentEntity, { instructor: true }, { id, lastLaunchAt: new Date(0) }),
    );
    expect(none.changes).toBe(0);
    const one = await sql.exec(
      sql.update(LtiEnrolmentEntity, { instructor: true }, { id, lastLaunchAt: null }),
    );
    expect(one.changes).toBe(1);
    const after = await ds.getRepository(LtiEnrolmentEntity).findOneByOrFail({ id });
    expect(after.instructor).toBe(true);
    expect(after.updatedAt.getTime()).toBeGreaterThanOrEqual(before);
  });

  it('orders and limits selects', async () => {
    const linkKey = `k-${randomUUID()}`;
    for (const maxAttempts of [3, 1, 2]) {
      await ds.getRepository(AttemptPolicyEntity).insert({
        id: randomUUID(),
        linkKey: `${linkKey}-${maxAttempts}`,
        maxAttempts,
        scorePolicy: 'best',
        updatedBy: randomUUID(),
      });
    }
    const all = await sql.find(
      AttemptPolicyEntity,
      sql.raw(
        `SELECT * FROM ${sql.table(AttemptPolicyEntity)} WHERE ${sql.column(AttemptPolicyEntity, 'linkKey')} LIKE ? ORDER BY ${sql.column(AttemptPolicyEntity, 'maxAttempts')}`,
        [`${linkKey}-%`],
      ),
    );
    expect(all.map((p) => p.maxAttempts)).toEqual([1, 2, 3]);
    const first = await sql.find(
      AttemptPolicyEntity,
      sql.select(AttemptPolicyEntity, { linkKey: `${linkKey}-2` }, ['maxAttempts'], { limit: 1 }),
    );
    expect(first).toEqual([{ maxAttempts: 2 }]);
  });

  it('rolls a transaction back when its body throws, and commits it otherwise', async () => {
    const kept = login();
    const lost = login();
    await sql.transaction(function* () {
      yield sql.insert(LtiLoginEntity, kept);
    });
    await expect(
      sql.transaction(function* () {
        yield sql.insert(LtiLoginEntity, lost);
        const used = yield sql.update(
          LtiLoginEntity,
          { usedAt: new Date() },
          { state: lost.state, usedAt: null },
        );
        if (used.changes === 1) {
          throw new Error('changed my mind');
        }
      }),
    ).rejects.toThrow('changed my mind');
    const repo = ds.getRepository(LtiLoginEntity);
    expect(await repo.countBy({ state: kept.state })).toBe(1);
    expect(await repo.countBy({ state: lost.state })).toBe(0);
  });

  it('keeps its writes out of a TypeORM transaction that is open when they are issued', async () => {
    const theirs = login();
    const ours = login();
    let opened!: () => void;
    const isOpen = new Promise<void>((resolve) => (opened = resolve));
    const typeormTx = ds.transaction(async (m) => {
      await m.getRepository(LtiLoginEntity).insert(theirs);
      opened();
      await new Promise((r) => setTimeout(r, 100));
      throw new Error('rolled back');
    });
    await isOpen;
    // Issued while the TypeORM transaction is open (on SQLite: the same connection).
    const write = sql.exec(sql.insert(LtiLoginEntity, ours));
    await expect(typeormTx).rejects.toThrow('rolled back');
    await write;
    const repo = ds.getRepository(LtiLoginEntity);
    expect(await repo.countBy({ state: theirs.state })).toBe(0);
    expect(await repo.countBy({ state: ours.state })).toBe(1);
  });
});
