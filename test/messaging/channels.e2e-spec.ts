import { ComposeService, MessageEntity, ParentsService, RecipientEntity } from '@lib/messaging';
import { INestApplicationContext } from '@nestjs/common';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { createTenant, Tenant } from '../support/fixtures';
import { makeParent, smtpSink, SmtpSink, uniqueEmail } from '../support/messaging-fixtures';
import { eventually, startTool, startWorker, TestTool, usesRedis } from '../support/test-app';

interface Call {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

/** A small HTTP server on 127.0.0.1 that records JSON requests and answers with `reply`. */
async function fakeHttp(
  reply: (call: Call) => { status: number; body: unknown },
): Promise<{ url: string; calls: Call[]; close(): Promise<void> }> {
  const calls: Call[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const call = {
        path: req.url ?? '',
        headers: req.headers,
        body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
      };
      calls.push(call);
      const r = reply(call);
      res.writeHead(r.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(r.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const SECRET = 'test-webhook-secret-0123456789';

/**
 * SMS (HTTP gateway, STOP/START, invalid numbers, retries) and Zalo ZNS against fake
 * gateways on loopback, and e-mail bounces against a real SMTP server.
 */
describe(`Channels: SMS, Zalo, bounces (${usesRedis() ? 'Bull + worker' : 'inline queue'})`, () => {
  let sink: SmtpSink;
  let sms: Awaited<ReturnType<typeof fakeHttp>>;
  let zalo: Awaited<ReturnType<typeof fakeHttp>>;
  let tool: TestTool;
  let worker: INestApplicationContext | undefined;
  let tenant: Tenant;
  const seen = new Map<string, string>(); // SMS reference → gateway id (the gateway drops repeats)
  const flaky = new Map<string, number>(); // number → failures left

  beforeAll(async () => {
    sink = await smtpSink();
    sms = await fakeHttp(({ body, headers }) => {
      if (headers.authorization !== 'Bearer sms-token') {
        return { status: 401, body: { error: 'unauthorized' } };
      }
      const to = String(body.to);
      if (to.endsWith('999')) {
        return { status: 422, body: { error: 'invalid_number' } };
      }
      const left = flaky.get(to) ?? 0;
      if (left > 0) {
        flaky.set(to, left - 1);
        return { status: 503, body: { error: 'busy' } };
      }
      const ref = String(body.reference);
      if (!seen.has(ref)) {
        seen.set(ref, `sms-${seen.size + 1}`);
      }
      return { status: 200, body: { id: seen.get(ref) } };
    });
    zalo = await fakeHttp(({ body, headers, path }) => {
      if (path !== '/message/template' || headers.access_token !== 'zalo-token') {
        return { status: 200, body: { error: -124, message: 'Access token is invalid' } };
      }
      if (String(body.phone).endsWith('118')) {
        return { status: 200, body: { error: -118, message: 'Zalo account not existed' } };
      }
      return {
        status: 200,
        body: { error: 0, message: 'Success', data: { msg_id: `z-${String(body.tracking_id)}` } },
      };
    });
    const env = {
      SMTP_URL: sink.url,
      SMS_GATEWAY_URL: `${sms.url}/send`,
      SMS_GATEWAY_TOKEN: 'sms-token',
      SMS_WEBHOOK_SECRET: SECRET,
      ZALO_ZNS_URL: zalo.url,
      ZALO_ACCESS_TOKEN: 'zalo-token',
      ZALO_TEMPLATE_ID: '231234',
    };
    tool = await startTool({ env });
    if (usesRedis()) {
      worker = await startWorker({ env });
    }
    tenant = await createTenant(tool);
  });
  afterAll(async () => {
    await worker?.close();
    await tool.close();
    await Promise.all([sink.close(), sms.close(), zalo.close()]);
  });

  const announce = (subject: string, school = tenant.school.id): Promise<MessageEntity> =>
    tool.get<ComposeService>(ComposeService).compose({
      schoolOrgNodeId: school,
      kind: 'announcement',
      audience: { type: 'school' },
      subjectVi: subject,
      bodyVi: 'Nội dung',
      author: { type: 'account', id: null, name: 'Trường' },
    });
  const recipient = (messageId: string, parentId: string): Promise<RecipientEntity | null> =>
    tool.dataSource.getRepository(RecipientEntity).findOne({ where: { messageId, parentId } });
  const contactStatus = async (parentId: string, kind: string): Promise<string | undefined> =>
    (await tool.get<ParentsService>(ParentsService).contacts(parentId)).find((c) => c.kind === kind)
      ?.status;
  const webhook = (body: Record<string, unknown>, secret = SECRET) =>
    tool.http.post('/messaging/webhooks/sms').set('X-Webhook-Secret', secret).send(body);

  it('sends SMS through the gateway; STOP switches SMS off at once (e-mail takes over) and START back on', async () => {
    const school = (await createTenant(tool)).school.id;
    const email = uniqueEmail('sms');
    const p = await makeParent(tool, {
      schoolId: school,
      phone: '0901 234 567',
      email,
      channel: 'sms',
    });
    const m1 = await announce('Đón học sinh sớm', school);
    const call = await eventually(async () => sms.calls.find((c) => c.body.to === '+84901234567'));
    const r1 = await eventually(async () => {
      const r = await recipient(m1.id, p.parentId);
      return r?.status === 'sent' ? r : undefined;
    });
    expect(call.body.reference).toBe(r1.id);
    expect(r1.channel).toBe('sms');
    expect(r1.providerRef).toBe(seen.get(r1.id));
    expect(String(call.body.text)).toContain('Don hoc sinh som'); // plain GSM text, no diacritics
    expect(sink.to(email)).toHaveLength(0);

    expect((await webhook({ from: '+84901234567', text: 'STOP' }, 'wrong-secret')).status).toBe(
      403,
    );
    const stop = await webhook({ from: '0901234567', text: 'stop' }).expect(200);
    expect(stop.body.action).toBe('stop');
    expect(await contactStatus(p.parentId, 'phone')).toBe('stopped');
    const before = sms.calls.length;
    await announce('Sau khi nhắn STOP', school);
    await eventually(async () => sink.to(email).find((m) => m.subject === 'Sau khi nhắn STOP'));
    expect(sms.calls.length).toBe(before);

    await webhook({ from: '0901234567', text: 'START' }).expect(200);
    expect(await contactStatus(p.parentId, 'phone')).toBe('active');
    const m3 = await announce('Sau khi nhắn START', school);
    await eventually(async () => (await recipient(m3.id, p.parentId))?.status === 'sent');
    expect(sms.calls.length).toBe(before + 1);
  });

  it('an invalid number marks the contact; a busy gateway is retried with backoff', async () => {
    const school = (await createTenant(tool)).school.id;
    const bad = await makeParent(tool, { schoolId: school, phone: '0912 345 999', channel: 'sms' });
    flaky.set('+84987654321', 2);
    const busy = await makeParent(tool, { schoolId: school, phone: '0987654321', channel: 'sms' });
    const m = await announce('Lịch thi', school);
    const failed = await eventually(async () => {
      const r = await recipient(m.id, bad.parentId);
      return r?.status === 'failed' ? r : undefined;
    });
    expect(failed.lastError).toContain('422');
    expect(await contactStatus(bad.parentId, 'phone')).toBe('invalid');
    const retried = await eventually(async () => {
      const r = await recipient(m.id, busy.parentId);
      return r?.status === 'sent' ? r : undefined;
    });
    expect(retried.attempts).toBe(3);
    // A later delivery report of an undeliverable message marks that number, too.
    await webhook({ reference: retried.id, status: 'UNDELIVERABLE' }).expect(200);
    expect(await contactStatus(busy.parentId, 'phone')).toBe('invalid');
  });

  it('sends Zalo ZNS template messages; a number without Zalo is marked invalid', async () => {
    const school = (await createTenant(tool)).school.id;
    const ok = await makeParent(tool, {
      schoolId: school,
      zalo: '0903 111 222',
      channel: 'zalo',
      lang: 'en',
    });
    const none = await makeParent(tool, {
      schoolId: school,
      zalo: '0903 111 118',
      channel: 'zalo',
    });
    const m = await announce('Tham quan bảo tàng', school);
    const sent = await eventually(async () => {
      const r = await recipient(m.id, ok.parentId);
      return r?.status === 'sent' ? r : undefined;
    });
    const call = zalo.calls.find((c) => c.body.tracking_id === sent.id)!;
    expect(call.body).toEqual(
      expect.objectContaining({ phone: '84903111222', template_id: '231234' }),
    );
    expect((call.body.template_data as Record<string, string>).title).toBe('Tham quan bảo tàng');
    expect(sent.providerRef).toBe(`z-${sent.id}`);
    await eventually(async () => (await recipient(m.id, none.parentId))?.status === 'failed');
    expect(await contactStatus(none.parentId, 'zalo')).toBe('invalid');
  });

  it('a bounced e-mail marks the address; later messages stay in the inbox', async () => {
    const school = (await createTenant(tool)).school.id;
    const email = uniqueEmail('bounce');
    sink.reject.add(email);
    const p = await makeParent(tool, { schoolId: school, email });
    const m1 = await announce('Thư bị trả lại', school);
    await eventually(async () => (await recipient(m1.id, p.parentId))?.status === 'bounced');
    expect(await contactStatus(p.parentId, 'email')).toBe('bounced');
    const m2 = await announce('Sau khi bị trả lại', school);
    const r2 = await eventually(async () => {
      const r = await recipient(m2.id, p.parentId);
      return r?.status === 'inbox' ? r : undefined;
    });
    expect(r2.lastError).toBe('no_contact');
    expect(sink.received.filter((x) => x.to.includes(email))).toHaveLength(0);
  });
});
