import { AppConfig, loadConfig, MailService, PermanentJobError, RetryLaterError } from '@lib/core';
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

interface Received {
  to: string[];
  raw: string;
}

/** A real SMTP server on loopback that can be told to reject a recipient. */
async function smtpSink(
  rejectTo?: string,
): Promise<{ port: number; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, cb) {
      if (address.address === rejectTo) {
        const err = new Error('Mailbox unavailable') as Error & { responseCode: number };
        err.responseCode = 550;
        return cb(err);
      }
      cb();
    },
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise((r) => server.close(() => r())) };
}

const mailer = (config: Partial<AppConfig>): MailService =>
  new MailService({ ...loadConfig({}), ...config });

describe('MailService against a real SMTP server', () => {
  it('delivers with the given Message-ID, so a retried send is recognisable', async () => {
    const sink = await smtpSink();
    const mail = mailer({ smtpUrl: `smtp://127.0.0.1:${sink.port}` });
    try {
      const res = await mail.send({
        to: 'parent@example.test',
        subject: 'Thông báo từ trường',
        text: 'Xin chào phụ huynh',
        messageId: '<r-1@safenest>',
      });
      expect(res.accepted).toBe(true);
      expect(sink.received).toHaveLength(1);
      expect(sink.received[0].to).toEqual(['parent@example.test']);
      expect(sink.received[0].raw).toContain('Message-ID: <r-1@safenest>');
    } finally {
      mail.onModuleDestroy();
      await sink.close();
    }
  });

  it('turns a permanent rejection into PermanentJobError (no retries)', async () => {
    const sink = await smtpSink('gone@example.test');
    const mail = mailer({ smtpUrl: `smtp://127.0.0.1:${sink.port}` });
    try {
      await expect(
        mail.send({
          to: 'gone@example.test',
          subject: 's',
          text: 't',
          messageId: '<r-2@safenest>',
        }),
      ).rejects.toBeInstanceOf(PermanentJobError);
    } finally {
      mail.onModuleDestroy();
      await sink.close();
    }
  });

  it('turns an unreachable server into RetryLaterError (the queue backs off)', async () => {
    const sink = await smtpSink();
    await sink.close();
    const mail = mailer({ smtpUrl: `smtp://127.0.0.1:${sink.port}` });
    try {
      await expect(
        mail.send({ to: 'a@example.test', subject: 's', text: 't', messageId: '<r-3@safenest>' }),
      ).rejects.toBeInstanceOf(RetryLaterError);
    } finally {
      mail.onModuleDestroy();
    }
  });

  it('without SMTP_URL renders but does not send', async () => {
    const mail = mailer({ smtpUrl: undefined });
    expect(mail.sends).toBe(false);
    await expect(
      mail.send({ to: 'a@example.test', subject: 's', text: 't', messageId: '<r-4@safenest>' }),
    ).resolves.toEqual(expect.objectContaining({ accepted: true }));
  });
});
