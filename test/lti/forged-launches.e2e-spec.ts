import { CLAIM, signRs256 } from '@lib/lti';
import { DataSource } from 'typeorm';
import { LtiLoginEntity } from '../../libs/lti/src/entities/lti.entities';
import { generateKeyPairSync } from 'node:crypto';
import { createTenant, Tenant } from '../support/fixtures';
import { bindSandbox, sandboxClass, startLtiTool, TestBrowser } from '../support/lti-fixtures';

type LtiTool = Awaited<ReturnType<typeof startLtiTool>>;

/** A stranger's key: tokens signed with it must never pass. */
const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });

describe('LTI: forged and broken launches are refused with a 4xx and a reason code', () => {
  let tool: LtiTool;
  let tenant: Tenant;
  let clientId: string;
  let cls: Awaited<ReturnType<typeof sandboxClass>>;
  let linkId: string;

  beforeAll(async () => {
    tool = await startLtiTool();
    tenant = await createTenant(tool);
    await bindSandbox(tool, tenant.province.code);
    clientId = (await tool.sandbox.currentTool())!.clientId;
    cls = await sandboxClass(tool, tenant.school.code, 1);
    linkId = (await tool.sandbox.addLink(cls.cls.id, 'L', 'up-online-friends', 10)).id;
  });
  afterAll(() => tool.close());

  /** A real login: the browser holds the state cookie; returns state and nonce. */
  async function login(browser: TestBrowser): Promise<{ state: string; nonce: string }> {
    const params = new URLSearchParams({
      iss: tool.sandbox.issuer,
      login_hint: cls.students[0].id,
      target_link_uri: `${tool.url}/lti/launch`,
      client_id: clientId,
    });
    const res = await browser.get(`/lti/login?${params.toString()}`);
    expect(res.status).toBe(302);
    const auth = new URL(res.location!);
    return { state: auth.searchParams.get('state')!, nonce: auth.searchParams.get('nonce')! };
  }

  async function claims(nonce: string): Promise<Record<string, unknown>> {
    const sbTool = (await tool.sandbox.currentTool())!;
    const now = Math.floor(Date.now() / 1000);
    return {
      nonce,
      iat: now,
      exp: now + 60,
      iss: tool.sandbox.issuer,
      aud: clientId,
      sub: cls.students[0].id,
      ...(await tool.sandbox.claimsFor(sbTool, cls.cls, cls.students[0], {
        c: cls.cls.id,
        l: linkId,
        loc: 'en',
      })),
    };
  }

  async function post(browser: TestBrowser, idToken: string, state: string) {
    return browser.post('/lti/launch', { id_token: idToken, state });
  }

  async function expectRefused(
    mutate: (payload: Record<string, unknown>) => Promise<string> | string,
    reason: string,
    status: number,
  ): Promise<void> {
    const browser = new TestBrowser(tool.url);
    const { state, nonce } = await login(browser);
    const token = await mutate(await claims(nonce));
    const res = await post(browser, token, state);
    expect({ status: res.status, reason: /data-reason='([A-Z_]+)'/.exec(res.text)?.[1] }).toEqual({
      status,
      reason,
    });
  }

  const sign = (p: Record<string, unknown>) => tool.sandbox.sign(p);

  it('accepts the genuine launch (the control case)', async () => {
    const browser = new TestBrowser(tool.url);
    const { state, nonce } = await login(browser);
    const res = await post(browser, await sign(await claims(nonce)), state);
    expect(res.status).toBe(200);
    expect(res.location).toMatch(/^\/play\/up-online-friends\?lt=/);
  });

  it('bad signature', () =>
    expectRefused(
      async (p) => {
        const [h, , s] = (await sign(p)).split('.');
        const body = Buffer.from(JSON.stringify({ ...p, sub: 'someone-else' })).toString(
          'base64url',
        );
        return `${h}.${body}.${s}`;
      },
      'JWT_SIGNATURE_INVALID',
      401,
    ));

  it('unknown kid (a key the platform never published)', () =>
    expectRefused(
      (p) => signRs256(p, attacker.privateKey, 'attacker-kid'),
      'JWT_KID_UNKNOWN',
      401,
    ));

  it('signed by another key under the platform kid', async () => {
    const kid = (await tool.sandbox.jwks()).keys[0].kid as string;
    await expectRefused(
      (p) => signRs256(p, attacker.privateKey, kid),
      'JWT_SIGNATURE_INVALID',
      401,
    );
  });

  it('alg none', () =>
    expectRefused(
      (p) => {
        const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
        return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(p)}.`;
      },
      'JWT_ALG_NOT_ALLOWED',
      401,
    ));

  it('expired', () =>
    expectRefused(
      (p) => sign({ ...p, iat: Number(p.iat) - 600, exp: Number(p.iat) - 300 }),
      'JWT_EXPIRED',
      401,
    ));

  it('issued in the future beyond the clock skew', () =>
    expectRefused(
      (p) => sign({ ...p, iat: Number(p.iat) + 600, exp: Number(p.exp) + 600 }),
      'JWT_IAT_IN_FUTURE',
      401,
    ));

  it('wrong aud', () =>
    expectRefused((p) => sign({ ...p, aud: 'another-tool' }), 'JWT_AUD_MISMATCH', 401));

  it('wrong iss', () =>
    expectRefused((p) => sign({ ...p, iss: 'https://evil.example' }), 'PLATFORM_UNKNOWN', 400));

  it('wrong nonce', () =>
    expectRefused((p) => sign({ ...p, nonce: 'not-the-nonce' }), 'NONCE_MISMATCH', 401));

  it('reused nonce (the same launch posted twice)', async () => {
    const browser = new TestBrowser(tool.url);
    const { state, nonce } = await login(browser);
    const token = await sign(await claims(nonce));
    expect((await post(browser, token, state)).status).toBe(200);
    const replay = await post(browser, token, state);
    expect(replay.status).toBe(401);
    expect(replay.text).toContain("data-reason='NONCE_REUSED'");
  });

  it('state mismatch, missing state cookie, unknown state', async () => {
    const browser = new TestBrowser(tool.url);
    const { state, nonce } = await login(browser);
    const token = await sign(await claims(nonce));
    const cookieName = [...browser.cookies.keys()].find((k) => k.startsWith('sn_lti_state_'))!;
    browser.cookies.set(cookieName, 'x'.repeat(state.length));
    const mismatch = await post(browser, token, state);
    expect([mismatch.status, /data-reason='([A-Z_]+)'/.exec(mismatch.text)?.[1]]).toEqual([
      401,
      'STATE_COOKIE_MISMATCH',
    ]);
    const stranger = new TestBrowser(tool.url); // the launch lands in a browser that did not log in
    const missing = await post(stranger, token, state);
    expect(missing.status).toBe(401);
    expect(missing.text).toContain("data-reason='STATE_COOKIE_MISSING'");
    expect(missing.text).toContain('/lti/login?'); // "open in a new window" restarts the login
    const unknown = await post(browser, token, 'no-such-state');
    expect(unknown.text).toContain("data-reason='STATE_UNKNOWN'");
    expect(unknown.status).toBe(401);
  });

  it('a state altered to name another platform or a later expiry (ADR 0108: sealed states)', async () => {
    const browser = new TestBrowser(tool.url);
    const { state, nonce } = await login(browser);
    const token = await sign(await claims(nonce));
    const [key, payload, mac] = state.split('.');
    const body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      e: number;
    };
    const later = Buffer.from(JSON.stringify({ ...body, e: body.e + 86_400 })).toString(
      'base64url',
    );
    const altered = await post(browser, token, `${key}.${later}.${mac}`);
    expect([altered.status, /data-reason='([A-Z_]+)'/.exec(altered.text)?.[1]]).toEqual([
      401,
      'STATE_UNKNOWN',
    ]);
    // The genuine state still works afterwards: a refused forgery uses nothing up.
    expect((await post(browser, token, state)).status).toBe(200);
  });

  it('a login writes nothing; its launch records it once', async () => {
    const logins = (): Promise<number> =>
      tool.get<DataSource>(DataSource).getRepository(LtiLoginEntity).count();
    const before = await logins();
    const browser = new TestBrowser(tool.url);
    const { state, nonce } = await login(browser);
    expect(await logins()).toBe(before);
    const token = await sign(await claims(nonce));
    expect((await post(browser, token, state)).status).toBe(200);
    expect(await logins()).toBe(before + 1);
    // A replay with the cookie put back still finds the login taken.
    const key = state.split('.')[0];
    browser.cookies.set(`sn_lti_state_${state.slice(0, 16)}`, key);
    const replay = await post(browser, token, state);
    expect([replay.status, /data-reason='([A-Z_]+)'/.exec(replay.text)?.[1]]).toEqual([
      401,
      'NONCE_REUSED',
    ]);
    expect(await logins()).toBe(before + 1);
  });

  it('unknown deployment', () =>
    expectRefused((p) => sign({ ...p, [CLAIM.DEPLOYMENT_ID]: '999' }), 'DEPLOYMENT_UNKNOWN', 403));

  it('missing required claims (resource link, roles, sub)', async () => {
    await expectRefused(
      (p) => sign({ ...p, [CLAIM.RESOURCE_LINK]: undefined }),
      'CLAIM_MISSING',
      400,
    );
    await expectRefused((p) => sign({ ...p, [CLAIM.ROLES]: undefined }), 'CLAIM_MISSING', 400);
    await expectRefused((p) => sign({ ...p, sub: undefined }), 'CLAIM_MISSING', 400);
  });

  it('wrong LTI version', () =>
    expectRefused((p) => sign({ ...p, [CLAIM.VERSION]: '1.1.0' }), 'LTI_VERSION_UNSUPPORTED', 400));

  it('answers in the language of the launch, with what the LMS admin can do', async () => {
    const browser = new TestBrowser(tool.url);
    const { state, nonce } = await login(browser);
    const p = await claims(nonce);
    (p[CLAIM.LAUNCH_PRESENTATION] as Record<string, unknown>).locale = 'vi';
    const res = await post(browser, await sign({ ...p, aud: 'another-tool' }), state);
    expect(res.text).toContain('<html lang="vi">');
    expect(res.text).toContain('Quản trị viên LMS có thể làm gì');
  });

  it('an unregistered platform cannot start a login; an inactive one is told so', async () => {
    const unknown = await new TestBrowser(tool.url).get(
      `/lti/login?iss=${encodeURIComponent('https://nobody.example')}&login_hint=1&target_link_uri=${encodeURIComponent(`${tool.url}/lti/launch`)}`,
    );
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain("data-reason='PLATFORM_UNKNOWN'");
    const [platform] = await tool.platforms.byIssuer(tool.sandbox.issuer, clientId);
    await tool.platforms.setActive(platform.id, false);
    try {
      const inactive = await new TestBrowser(tool.url).get(
        `/lti/login?iss=${encodeURIComponent(tool.sandbox.issuer)}&client_id=${clientId}&login_hint=1&target_link_uri=${encodeURIComponent(`${tool.url}/lti/launch`)}`,
      );
      expect(inactive.status).toBe(403);
      expect(inactive.text).toContain("data-reason='PLATFORM_INACTIVE'");
    } finally {
      await tool.platforms.setActive(platform.id, true);
    }
  });

  it('fetches the platform JWKS once and again only for an unknown kid', async () => {
    const flow = tool.get<{ jwks: { fetches: number } }>(
      (await import('@lib/lti')).LaunchFlowService,
    );
    const before = flow.jwks.fetches;
    for (let i = 0; i < 3; i++) {
      const browser = new TestBrowser(tool.url);
      const { state, nonce } = await login(browser);
      expect((await post(browser, await sign(await claims(nonce)), state)).status).toBe(200);
    }
    expect(flow.jwks.fetches).toBe(before);
  });
});
