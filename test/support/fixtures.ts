import { AuthService, Role } from '@lib/core';
import { SchoolSettingsService } from '@lib/messaging';
import { OrgNodeEntity, OrgsService, OrgType, SchoolLevel } from '@lib/orgs';
import { randomBytes } from 'node:crypto';
import type { TestTool } from './test-app';

export interface Tenant {
  suffix: string;
  ministry: OrgNodeEntity;
  province: OrgNodeEntity;
  commune: OrgNodeEntity;
  school: OrgNodeEntity;
  otherProvince: OrgNodeEntity;
  otherSchool: OrgNodeEntity;
}

/** A private org tree for one test, with unique codes, so tests never see each other's data. */
export async function createTenant(tool: TestTool): Promise<Tenant> {
  const orgs = tool.get<OrgsService>(OrgsService);
  const s = randomBytes(4).toString('hex');
  const ministry = await orgs.create({
    code: `M-${s}`,
    name: `Ministry ${s}`,
    type: OrgType.MINISTRY,
  });
  const province = await orgs.create({
    code: `P-${s}`,
    name: `Province ${s}`,
    type: OrgType.PROVINCE,
    parentCode: ministry.code,
  });
  const commune = await orgs.create({
    code: `C-${s}`,
    name: `Commune ${s}`,
    type: OrgType.COMMUNE,
    parentCode: province.code,
  });
  const school = await orgs.create({
    code: `S-${s}`,
    name: `School ${s}`,
    type: OrgType.SCHOOL,
    parentCode: commune.code,
    levels: [SchoolLevel.PRIMARY],
  });
  const otherProvince = await orgs.create({
    code: `P2-${s}`,
    name: `Other province ${s}`,
    type: OrgType.PROVINCE,
    parentCode: ministry.code,
  });
  const otherSchool = await orgs.create({
    code: `S2-${s}`,
    name: `Other school ${s}`,
    type: OrgType.SCHOOL,
    parentCode: otherProvince.code,
    levels: [SchoolLevel.UPPER_SECONDARY],
  });
  // Schools keep parents' phones quiet from 21:00 to 06:30 Vietnam time (14:00–23:30 UTC), so a
  // test that expects a message at once would pass or fail by the hour it runs. Test schools have
  // no quiet hours; the quiet-hours test sets its own around the current time.
  const settings = tool.get<SchoolSettingsService>(SchoolSettingsService);
  for (const node of [school, otherSchool]) {
    await settings.update(node.id, { quietStart: '00:00', quietEnd: '00:00' });
  }
  return { suffix: s, ministry, province, commune, school, otherProvince, otherSchool };
}

export const TEST_PASSWORD = 'correct horse battery staple';

/** A local account holding `role` at `orgNodeId`. */
export async function createAccount(
  tool: TestTool,
  role: Role,
  orgNodeId: string,
): Promise<{ email: string; id: string }> {
  const auth = tool.get<AuthService>(AuthService);
  const email = `user-${randomBytes(5).toString('hex')}@example.test`;
  const account = await auth.createAccount({
    email,
    displayName: `Test ${role}`,
    password: TEST_PASSWORD,
  });
  await auth.grant(account.id, role, orgNodeId);
  return { email, id: account.id };
}

/** Signs in through the real login form (CSRF included); returns the cookie header. */
export async function signIn(
  tool: TestTool,
  email: string,
  password = TEST_PASSWORD,
): Promise<string[]> {
  const page = await tool.http.get('/login');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
  const csrfCookie = ([] as string[])
    .concat(page.headers['set-cookie'] ?? [])
    .map((c) => c.split(';')[0]);
  const res = await tool.http
    .post('/login')
    .set('Cookie', csrfCookie)
    .type('form')
    .send({ _csrf: csrf, email, password });
  if (res.status !== 303) {
    throw new Error(`Sign-in failed with ${res.status}`);
  }
  const session = ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .map((c) => c.split(';')[0]);
  return [...csrfCookie, ...session];
}
