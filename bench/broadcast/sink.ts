/*
 * The SMTP sink of the broadcast bench, in its own process so that its parsing does not
 * share a CPU thread with what is measured. It accepts everything, counts messages received
 * in full (the end-of-data dot seen), their distinct Message-IDs and recipients, and reports
 * over IPC.
 */
import { SMTPServer } from 'smtp-server';

let count = 0;
let bytes = 0;
let firstAt = 0;
let lastAt = 0;
const ids = new Set<string>();
const rcpts = new Map<string, number>();

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  maxClients: 200,
  size: 1024 * 1024,
  onData(stream, session, cb) {
    let head = '';
    let inHead = true;
    stream.on('data', (c: Buffer) => {
      bytes += c.length;
      if (inHead) {
        head += c.toString('latin1');
        if (head.includes('\r\n\r\n') || head.length > 8192) {
          inHead = false;
        }
      }
    });
    stream.on('end', () => {
      const id = /^message-id:\s*(\S+)/im.exec(head)?.[1] ?? '';
      const now = Date.now();
      firstAt ||= now;
      lastAt = now;
      count++;
      ids.add(id);
      for (const r of session.envelope.rcptTo) {
        rcpts.set(r.address, (rcpts.get(r.address) ?? 0) + 1);
      }
      cb();
    });
  },
});
server.on('error', () => undefined);

process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'stats') {
    let dupRcpt = 0;
    for (const n of rcpts.values()) {
      dupRcpt += n - 1;
    }
    process.send!({
      count,
      bytes,
      distinctIds: ids.size,
      distinctRcpt: rcpts.size,
      dupRcpt,
      firstAt,
      lastAt,
    });
  } else if (m.cmd === 'reset') {
    count = bytes = firstAt = lastAt = 0;
    ids.clear();
    rcpts.clear();
    process.send!({ ok: true });
  }
});

server.listen(0, '127.0.0.1', () => {
  process.send!({ port: (server.server.address() as { port: number }).port });
});
