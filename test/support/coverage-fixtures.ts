import { Role } from '@lib/core';
import { OrgNodeEntity, OrgsService, OrgType, SchoolLevel } from '@lib/orgs';
import { createAccount, createTenant, signIn, Tenant } from './fixtures';
import type { TestTool } from './test-app';

export interface CoverageTenant extends Tenant {
  facility: OrgNodeEntity;
  highSchool: OrgNodeEntity;
  commune2: OrgNodeEntity;
}

/** The foundation tenant plus a facility, an upper-secondary school under the province and a second commune. */
export async function createCoverageTenant(tool: TestTool): Promise<CoverageTenant> {
  const t = await createTenant(tool);
  const orgs = tool.get<OrgsService>(OrgsService);
  const facility = await orgs.create({
    code: `F-${t.suffix}`,
    name: `Facility ${t.suffix}`,
    type: OrgType.FACILITY,
    parentCode: t.commune.code,
  });
  const highSchool = await orgs.create({
    code: `HS-${t.suffix}`,
    name: `High school ${t.suffix}`,
    type: OrgType.SCHOOL,
    parentCode: t.province.code,
    levels: [SchoolLevel.UPPER_SECONDARY],
  });
  const commune2 = await orgs.create({
    code: `C2-${t.suffix}`,
    name: `Commune two ${t.suffix}`,
    type: OrgType.COMMUNE,
    parentCode: t.province.code,
  });
  return { ...t, facility, highSchool, commune2 };
}

/** A signed-in account holding `role` at a node: its id and cookies. */
export async function signedIn(
  tool: TestTool,
  role: Role,
  orgNodeId: string,
): Promise<{ id: string; cookies: string[] }> {
  const a = await createAccount(tool, role, orgNodeId);
  return { id: a.id, cookies: await signIn(tool, a.email) };
}

/** Runs a GraphQL operation with the session cookies (and the CSRF-prevention header). */
export async function gql<T = Record<string, unknown>>(
  tool: TestTool,
  cookies: string[],
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ data?: T; errors?: { message: string; extensions?: { code?: string } }[] }> {
  const res = await tool.http
    .post('/graphql')
    .set('Cookie', cookies)
    .set('Content-Type', 'application/json')
    .set('apollo-require-preflight', 'true')
    .send({ query, variables });
  return res.body;
}

/** The `_csrf` value of a page's form. */
export async function csrfOf(tool: TestTool, cookies: string[], path: string): Promise<string> {
  const page = await tool.http.get(path).set('Cookie', cookies).expect(200);
  // Any signed-in page's form carries the same token (it signs the browser's CSRF cookie).
  const token = /name=['"]_csrf['"] value=['"]([^'"]+)['"]/.exec(page.text)?.[1];
  if (!token) {
    throw new Error(`No CSRF token on ${path}`);
  }
  return token;
}
