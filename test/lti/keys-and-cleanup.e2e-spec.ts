import { LtiCleanupJob, signRs256 } from '@lib/lti';
import { createPublicKey, randomUUID, verify } from 'node:crypto';
import { createTenant, Tenant } from '../support/fixtures';
import {
  bindSandbox,
  launch,
  ltOf,
  sandboxClass,
  startLtiTool,
  TestBrowser,
} from '../support/lti-fixtures';

type LtiTool = Awaited<ReturnType<typeof startLtiTool>>;
type Jwk = { kid: string; kty: string; n: string; e: string };

describe('LTI tool keys (rotation with a grace period) and the clean-up job', () => {
  let tool: LtiTool;
  let tenant: Tenant;

  beforeAll(async () => {
    tool = await startLtiTool();
    tenant = await createTenant(tool);
    await bindSandbox(tool, tenant.province.code);
  });
  afterAll(() => tool.close());

  const jwks = async (): Promise<Jwk[]> =>
    ((await tool.http.get('/lti/keys').expect(200)).body as { keys: Jwk[] }).keys;

  /** A platform of its own, so rotating its key leaves the sandbox's registration alone. */
  async function otherPlatform() {
    const issuer = `https://lms-${randomUUID().slice(0, 8)}.example.edu`;
    return tool.platforms.register({
      issuer,
      clientId: 'client-1',
      name: 'Rotation test LMS',
      authEndpoint: `${issuer}/auth`,
      tokenEndpoint: `${issuer}/token`,
      authConfig: { method: 'JWK_SET', key: `${issuer}/jwks` },
      active: true,
      registeredVia: 'manual',
    });
  }

  it('keeps the old public key in /lti/keys for the grace window after a rotation, then drops it', async () => {
    const platform = await otherPlatform();
    const before = (await jwks()).find((k) => k.kid === platform.kid)!;
    expect(before).toBeDefined();
    // A token the tool signed just before the rotation (e.g. a client assertion in flight).
    const [oldPrivate] = (await tool.platforms['ltijs'].store.Get(
      tool.platforms['ltijs'].encryptionKey,
      'privatekey',
      { kid: platform.kid },
    )) as { key: string }[];
    const token = signRs256({ iss: 'client-1', sub: 'client-1' }, oldPrivate.key, platform.kid);

    const { oldKid, newKid, graceUntil } = await tool.platforms.rotateKeys(platform.id);
    expect(oldKid).toBe(platform.kid);
    expect(newKid).not.toBe(oldKid);
    expect(graceUntil.getTime() - Date.now()).toBeGreaterThan(71 * 3600_000);

    const after = await jwks();
    const kids = after.map((k) => k.kid);
    expect(kids).toContain(newKid);
    expect(kids).toContain(oldKid);
    const kept = after.find((k) => k.kid === oldKid)!;
    expect(kept).toMatchObject({ kty: 'RSA', n: before.n, e: before.e, alg: 'RS256', use: 'sig' });
    // A platform that fetched our JWKS after the rotation still verifies the earlier token.
    const [input, sig] = [token.slice(0, token.lastIndexOf('.')), token.split('.')[2]];
    const key = createPublicKey({ key: kept as never, format: 'jwk' });
    expect(verify('RSA-SHA256', Buffer.from(input), key, Buffer.from(sig, 'base64url'))).toBe(true);
    // After the window, the keyset no longer offers it…
    const later = await tool.platforms.keyset(new Date(graceUntil.getTime() + 1000));
    expect(later.keys.map((k) => k.kid)).not.toContain(oldKid);
    expect(later.keys.map((k) => k.kid)).toContain(newKid);
    // …and the clean-up job deletes it once expired.
    const retired = tool.dataSource.getRepository('LtiRetiredKeyEntity');
    expect(await retired.countBy({ kid: oldKid })).toBe(1);
    await retired.update({ kid: oldKid }, { expiresAt: new Date(Date.now() - 1000) });
    await tool.get<LtiCleanupJob>(LtiCleanupJob).run();
    expect((await jwks()).map((k) => k.kid)).not.toContain(oldKid);
    expect(await retired.countBy({ kid: oldKid })).toBe(0);
  });

  it('rotates without grace when asked, and refuses an out-of-range grace period', async () => {
    const platform = await otherPlatform();
    const { oldKid } = await tool.platforms.rotateKeys(platform.id, 0);
    expect((await jwks()).map((k) => k.kid)).not.toContain(oldKid);
    await expect(tool.platforms.rotateKeys(platform.id, -1)).rejects.toMatchObject({
      reason: 'REGISTRATION_INVALID',
    });
    await expect(tool.platforms.rotateKeys(platform.id, 400 * 24 * 3600_000)).rejects.toMatchObject(
      { reason: 'REGISTRATION_INVALID' },
    );
  });

  it('purges launch rows long past their token expiry, keeping those an undelivered score needs', async () => {
    const launches = tool.dataSource.getRepository('LtiLaunchEntity');
    const deliveries = tool.dataSource.getRepository('ScoreDeliveryEntity');
    const c = await sandboxClass(tool, tenant.school.code, 1);
    const link = await tool.sandbox.addLink(c.cls.id, 'Safe chat', 'up-online-friends', 10);
    const teacher = await launch(new TestBrowser(tool.url), {
      classId: c.cls.id,
      userId: c.teacher.id,
      linkId: link.id,
    });
    expect(teacher.status).toBe(303);
    const current = ltOf(teacher.location).split('.')[0];
    const template = (await launches.findOneByOrFail({ id: current })) as Record<string, unknown>;
    // Three launches whose tokens expired 15 days ago (retention: 14 days after expiry).
    const longAgo = new Date(Date.now() - 15 * 24 * 3600_000);
    const [old, oldWithPendingScore, oldWithDeliveredScore] = [
      randomUUID(),
      randomUUID(),
      randomUUID(),
    ];
    for (const id of [old, oldWithPendingScore, oldWithDeliveredScore]) {
      await launches.insert({ ...template, id, createdAt: longAgo, expiresAt: longAgo });
    }
    // One expired only yesterday: inside the retention window, it stays.
    const recent = randomUUID();
    const yesterday = new Date(Date.now() - 24 * 3600_000);
    await launches.insert({ ...template, id: recent, createdAt: yesterday, expiresAt: yesterday });
    for (const [launchId, status] of [
      [oldWithPendingScore, 'pending'],
      [oldWithDeliveredScore, 'delivered'],
    ] as const) {
      await deliveries.insert({
        id: randomUUID(),
        attemptId: `attempt-${randomUUID()}`,
        launchId,
        contextRowId: null,
        userId: template.userId,
        moduleId: null,
        scoreGiven: 1,
        scoreMaximum: 1,
        activityProgress: 'Completed',
        gradingProgress: 'FullyGraded',
        timestamp: new Date(),
        status,
      });
    }
    const job = tool.get<LtiCleanupJob>(LtiCleanupJob);
    // Batches of one: the loop must go on past the first batch.
    expect(await job.purgeLaunches(new Date(), 1)).toBe(2);
    const left = (
      await launches.find({
        where: [old, oldWithPendingScore, oldWithDeliveredScore, recent, current].map((id) => ({
          id,
        })),
      })
    ).map((r) => (r as { id: string }).id);
    expect(left.sort()).toEqual([oldWithPendingScore, recent, current].sort());
    // Once its score is delivered, the clean-up job (as scheduled) removes that one too.
    await deliveries.update({ launchId: oldWithPendingScore }, { status: 'delivered' });
    await job.run();
    expect(await launches.countBy({ id: oldWithPendingScore })).toBe(0);
    // The launch just made still opens its page.
    expect((await tool.http.get(teacher.location!)).status).toBe(200);
  });
});
