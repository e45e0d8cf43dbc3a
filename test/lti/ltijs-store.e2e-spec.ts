import { FieldEncryptionService } from '@lib/core';
import { LtijsTypeOrmStore } from '@lib/lti';
import { randomBytes } from 'node:crypto';
import { startTool, TestTool } from '../support/test-app';

describe("ltijs storage plugin on TypeORM (ltijs's contract)", () => {
  let tool: TestTool;
  let store: LtijsTypeOrmStore;
  const id = () => randomBytes(6).toString('hex');

  beforeAll(async () => {
    tool = await startTool();
    store = new LtijsTypeOrmStore(tool.dataSource, tool.get(FieldEncryptionService));
    await store.setup();
  });
  afterAll(() => tool.close());

  it('Get returns false, not [], when nothing matches', async () => {
    expect(await store.Get(false, 'state', { state: id() })).toBe(false);
    expect(await store.Get('key', 'publickey', { kid: id() })).toBe(false);
  });

  it('Insert then Get by equality returns plain documents', async () => {
    const state = id();
    await store.Insert(false, 'state', { state, query: { a: '1' } });
    const rows = (await store.Get(false, 'state', { state })) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state, query: { a: '1' } });
    expect(rows[0].createdAt).toBeInstanceOf(Date);
  });

  it('stores key collections encrypted as { ...index, iv, data } and returns them decrypted with createdAt (ms)', async () => {
    const kid = id();
    const before = Date.now();
    await store.Replace(
      'k',
      'privatekey',
      { platformUrl: 'https://p', clientId: kid },
      { key: 'PEM SECRET', kid },
      { kid, platformUrl: 'https://p', clientId: kid },
    );
    const raw = await tool.dataSource.query(`SELECT * FROM lti_private_key WHERE kid = '${kid}'`);
    expect(JSON.stringify(raw)).not.toContain('PEM SECRET');
    expect(raw[0].iv).toBeTruthy();
    const rows = (await store.Get('k', 'privatekey', { kid })) as Record<string, unknown>[];
    expect(rows[0]).toMatchObject({ key: 'PEM SECRET', kid });
    expect(typeof rows[0].createdAt).toBe('number');
    expect(rows[0].createdAt as number).toBeGreaterThanOrEqual(before - 1000);
  });

  it('Replace upserts in place (one row), Modify patches, Delete removes', async () => {
    const url = `https://lms-${id()}`;
    const q = { platformUrl: url, clientId: 'c1' };
    await store.Replace(false, 'platform', q, {
      ...q,
      platformName: 'A',
      kid: id(),
      authConfig: { method: 'JWK_SET', key: 'u' },
    });
    const kid = id();
    await store.Replace(false, 'platform', q, {
      ...q,
      platformName: 'B',
      kid,
      authConfig: { method: 'JWK_SET', key: 'u' },
    });
    let rows = (await store.Get(false, 'platform', q)) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ platformName: 'B', kid });
    await store.Modify(false, 'platform', q, { platformName: 'C' });
    rows = (await store.Get(false, 'platform', { kid })) as Record<string, unknown>[];
    expect(rows[0]).toMatchObject({ platformName: 'C', kid, platformUrl: url });
    await store.Delete('platform', q);
    expect(await store.Get(false, 'platform', q)).toBe(false);
  });

  it('hides expired rows at once and purges them (nonce lives 10 s)', async () => {
    const nonce = id();
    await store.Insert(false, 'nonce', { nonce });
    expect(await store.Get(false, 'nonce', { nonce })).not.toBe(false);
    await tool.dataSource.query(
      `UPDATE lti_nonce SET expires_at = ${tool.config.database.type === 'postgres' ? "now() - interval '1 minute'" : "datetime('now', '-1 minute')"} WHERE nonce = '${nonce}'`,
    );
    expect(await store.Get(false, 'nonce', { nonce })).toBe(false);
    expect(await store.purgeExpired()).toBeGreaterThanOrEqual(1);
    const left = await tool.dataSource.query(
      `SELECT COUNT(*) AS n FROM lti_nonce WHERE nonce = '${nonce}'`,
    );
    expect(Number(left[0].n)).toBe(0);
  });

  it('access tokens keep a 1 h lifetime and come back with createdAt for the cache check', async () => {
    const q = { platformUrl: 'https://p', clientId: id(), scopes: 'a b' };
    await store.Replace(
      'k',
      'accesstoken',
      q,
      { token: { access_token: 't', expires_in: 3600, token_type: 'bearer' } },
      q,
    );
    const [row] = (await store.Get('k', 'accesstoken', q)) as Record<string, unknown>[];
    expect(row.token).toMatchObject({ access_token: 't' });
    expect(Date.now() - (row.createdAt as number)).toBeLessThan(60_000);
    const [expires] = await tool.dataSource.query(
      `SELECT expires_at FROM lti_access_token WHERE client_id = '${q.clientId}'`,
    );
    const ttl = new Date(expires.expires_at).getTime() - (row.createdAt as number);
    expect(Math.round(ttl / 60_000)).toBe(60);
  });
});
