import { JobEntity, Role } from '@lib/core';
import { OrgsService, OrgType } from '@lib/orgs';
import { INestApplicationContext } from '@nestjs/common';
import { createAccount, createTenant, signIn } from '../support/fixtures';
import { eventually, startTool, startWorker, TestTool, usesRedis } from '../support/test-app';

/**
 * Two tool instances (as behind a load balancer) and, with Bull, one worker on one database:
 * nothing may live only in one process's memory.
 */
describe('Scale-out: two tool instances and a worker share everything', () => {
  let a: TestTool;
  let b: TestTool;
  let worker: INestApplicationContext | undefined;

  beforeAll(async () => {
    a = await startTool();
    b = await startTool();
    if (usesRedis()) {
      worker = await startWorker();
    }
  });
  afterAll(async () => {
    await worker?.close();
    await Promise.all([a.close(), b.close()]);
  });

  it('a session opened on one instance works on the other', async () => {
    const tenant = await createTenant(a);
    const { email } = await createAccount(a, Role.OFFICIAL, tenant.province.id);
    const cookies = await signIn(a, email);
    const res = await b.http.get('/account').set('Cookie', cookies).expect(200);
    expect(res.text).toContain(tenant.province.name);
  });

  it('data written through one instance is read through the other', async () => {
    const tenant = await createTenant(a);
    await a.get<OrgsService>(OrgsService).create({
      code: `S3-${tenant.suffix}`,
      name: 'Written on A',
      type: OrgType.SCHOOL,
      parentCode: tenant.commune.code,
    });
    const { email } = await createAccount(b, Role.OFFICIAL, tenant.commune.id);
    const cookies = await signIn(b, email);
    const res = await b.http
      .post('/graphql')
      .set('Cookie', cookies)
      .set('Content-Type', 'application/json')
      .send({
        query: 'query($id: ID!) { orgChildren(id: $id) { code } }',
        variables: { id: tenant.commune.id },
      })
      .expect(200);
    expect(res.body.data.orgChildren.map((n: { code: string }) => n.code)).toEqual(
      expect.arrayContaining([tenant.school.code, `S3-${tenant.suffix}`]),
    );
  });

  it('jobs enqueued on either instance are processed once', async () => {
    const ids = [
      ...(await Promise.all(
        Array.from({ length: 10 }, () => a.queue.enqueue('core.ping', { note: 'a' })),
      )),
      ...(await Promise.all(
        Array.from({ length: 10 }, () => b.queue.enqueue('core.ping', { note: 'b' })),
      )),
    ];
    const repo = a.dataSource.getRepository(JobEntity);
    for (const id of ids) {
      const row = await eventually(async () => {
        const r = await repo.findOneByOrFail({ id });
        return r.status === 'done' ? r : undefined;
      });
      expect(row.attempts).toBe(1);
    }
  });
});
