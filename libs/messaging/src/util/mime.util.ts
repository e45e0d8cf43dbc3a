import { randomBytes } from 'node:crypto';
import { encodeWords } from 'nodemailer/lib/mime-funcs';

/**
 * E-mail bytes for broadcasts. The body of a message is the same for every parent who reads
 * the same language, so it is encoded once ({@link buildSharedBody}) and only the few
 * per-recipient header lines are written per e-mail ({@link assembleMessage}). That is most of
 * why a broadcast can go faster than composing every e-mail from scratch.
 */
export interface SharedBody {
  /** Content-Type (with boundary) and MIME-Version lines. */
  head: string;
  body: Buffer;
}

export function buildSharedBody(text: string, html: string): SharedBody {
  const boundary = `----sn-${randomBytes(12).toString('hex')}`;
  const part = (type: string, content: string): string =>
    `--${boundary}\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(content)}\r\n`;
  const body = `${part('text/plain', text)}${part('text/html', html)}--${boundary}--\r\n`;
  return {
    head: `MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="${boundary}"\r\n`,
    body: Buffer.from(body, 'ascii'),
  };
}

export interface MessageHead {
  from: string;
  to: string;
  subject: string;
  /** `<id@host>` */
  messageId: string;
  date: Date;
  headers?: Record<string, string>;
}

// A broadcast writes the same From, Subject and Date on thousands of e-mails: encode them once.
const encoded = new Map<string, string>();
function memo(key: string, make: () => string): string {
  let v = encoded.get(key);
  if (v === undefined) {
    if (encoded.size > 256) {
      encoded.clear();
    }
    v = make();
    encoded.set(key, v);
  }
  return v;
}

/** Whole RFC 5322 message: per-recipient head + shared body. Header values must be one line. */
export function assembleMessage(head: MessageHead, shared: SharedBody): Buffer {
  const lines = [
    `From: ${memo(`f:${head.from}`, () => encodeAddress(head.from))}`,
    `To: ${singleLine(head.to)}`,
    `Subject: ${memo(`s:${head.subject}`, () => encodeWords(singleLine(head.subject), 'B', 52).replace(/\?= =\?/g, '?=\r\n =?'))}`,
    `Date: ${memo(`d:${head.date.getTime()}`, () => head.date.toUTCString().replace(/GMT$/, '+0000'))}`,
    `Message-ID: ${singleLine(head.messageId)}`,
  ];
  for (const [k, v] of Object.entries(head.headers ?? {})) {
    lines.push(`${k}: ${singleLine(v)}`);
  }
  return Buffer.concat([
    Buffer.from(`${lines.join('\r\n')}\r\n${shared.head}\r\n`, 'utf8'),
    shared.body,
  ]);
}

/** `Name <addr>` with a non-ASCII name as an encoded word; a bare address unchanged. */
export function encodeAddress(value: string): string {
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(value);
  if (!m) {
    return singleLine(value);
  }
  const name = m[1].trim();
  if (!name) {
    return `<${m[2]}>`;
  }
  const printable = /^[\x20-\x7e]*$/.test(name);
  const shown = printable ? `"${name.replace(/["\\]/g, '')}"` : encodeWords(name, 'B', 52);
  return `${shown} <${m[2].trim()}>`;
}

/** The bare address of `Name <addr>`. */
export function addressOf(value: string): string {
  const m = /<([^>]+)>/.exec(value);
  return (m ? m[1] : value).trim();
}

function singleLine(v: string): string {
  return v.replace(/[\r\n]+/g, ' ');
}

function base64Lines(content: string): string {
  const b64 = Buffer.from(content, 'utf8').toString('base64');
  const out: string[] = [];
  for (let i = 0; i < b64.length; i += 76) {
    out.push(b64.slice(i, i + 76));
  }
  return out.join('\r\n');
}
