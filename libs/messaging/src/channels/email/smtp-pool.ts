import { Logger } from '@nestjs/common';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { Readable } from 'node:stream';

/** What the server said about one message. */
export interface SmtpSendResult {
  ok: boolean;
  response: string;
  /** SMTP reply code of a failure (0 for network errors). */
  code: number;
  /** Where it failed: CONN (connect/login), MAIL/RCPT (envelope), DATA (after the content). */
  stage: 'CONN' | 'ENVELOPE' | 'DATA';
}

export interface SmtpTarget {
  host: string;
  port: number;
  secure: boolean;
  auth?: { user: string; pass: string };
}

/** `smtp://user:pass@host:port` / `smtps://…` → connection options. */
export function parseSmtpUrl(url: string): SmtpTarget {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    auth: u.username
      ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) }
      : undefined,
  };
}

/**
 * One SMTP session used for many messages in a row (nodemailer's SMTPConnection speaks the
 * protocol: EHLO, STARTTLS, AUTH, PIPELINING). Not a nodemailer transport: broadcasts need to
 * hold the end-of-data dot until the recipient's row is marked (ADR 0601), which a transport
 * does not allow.
 */
export class SmtpSession {
  private conn?: SMTPConnection;
  private ready?: Promise<void>;
  broken = false;
  sent = 0;

  constructor(private readonly target: SmtpTarget) {}

  private connect(): Promise<void> {
    this.ready ??= new Promise<void>((resolve, reject) => {
      const conn = new SMTPConnection({
        host: this.target.host,
        port: this.target.port,
        secure: this.target.secure,
        connectionTimeout: 15_000,
        greetingTimeout: 15_000,
        socketTimeout: 60_000,
        name: 'safenest',
      });
      this.conn = conn;
      conn.on('error', (err: Error) => {
        this.broken = true;
        reject(err);
      });
      conn.on('end', () => {
        this.broken = true;
      });
      conn.connect(() => {
        if (!this.target.auth) {
          resolve();
          return;
        }
        conn.login(this.target.auth, (err) => (err ? reject(err) : resolve()));
      });
    });
    return this.ready;
  }

  /** Sends one message; `content` decides itself when to end (that is when the dot goes out). */
  async send(from: string, to: string, content: Readable): Promise<SmtpSendResult> {
    try {
      await this.connect();
    } catch (err) {
      this.broken = true;
      content.destroy();
      const e = err as { responseCode?: number; message?: string };
      return {
        ok: false,
        response: String(e.message ?? err).slice(0, 300),
        code: e.responseCode ?? 0,
        stage: 'CONN',
      };
    }
    const conn = this.conn!;
    return new Promise<SmtpSendResult>((resolve) => {
      conn.send({ from, to: [to] }, content, (err, info) => {
        this.sent++;
        if (!err) {
          resolve({
            ok: true,
            response: String(info?.response ?? '250'),
            code: 250,
            stage: 'DATA',
          });
          return;
        }
        const e = err as {
          responseCode?: number;
          command?: string;
          code?: string;
          message?: string;
        };
        const envelope =
          e.command === 'MAIL FROM' || e.command === 'RCPT TO' || e.code === 'EENVELOPE';
        const result: SmtpSendResult = {
          ok: false,
          response: String(e.message ?? err).slice(0, 300),
          code: e.responseCode ?? 0,
          stage: envelope ? 'ENVELOPE' : e.responseCode ? 'DATA' : 'CONN',
        };
        if (!e.responseCode || e.code === 'ESTREAM' || e.code === 'ECONNECTION') {
          this.broken = true; // the session is in an unknown state (maybe mid-DATA): drop it
          resolve(result);
          return;
        }
        // The server refused this message; the session is fine after a reset.
        conn.reset((resetErr) => {
          if (resetErr) {
            this.broken = true;
          }
          resolve(result);
        });
      });
    });
  }

  close(): void {
    this.broken = true;
    try {
      this.conn?.close();
    } catch {
      // already closed
    }
  }
}

/** A fixed number of SMTP sessions shared by every delivery job of this process. */
export class SmtpPool {
  private readonly logger = new Logger(SmtpPool.name);
  private readonly idle: SmtpSession[] = [];
  /** Waiting senders, earliest batch first (see acquire). */
  private readonly waiters: { priority: number; resolve: (s: SmtpSession) => void }[] = [];
  private created = 0;
  private closed = false;

  constructor(
    private readonly target: SmtpTarget,
    readonly size: number,
    /** Sessions are renewed after this many messages (servers limit messages per session). */
    private readonly maxMessagesPerSession = 1000,
  ) {}

  /**
   * A session for one message. Lower `priority` (the batch's start time) is served first, so
   * batches finish one after another and the next batch prepares while others still send,
   * instead of all of them finishing — and preparing — at the same moment.
   */
  async acquire(priority = 0): Promise<SmtpSession> {
    for (let s = this.idle.pop(); s; s = this.idle.pop()) {
      if (!s.broken) {
        return s;
      }
      s.close(); // closed by the server while idle
      this.created--;
    }
    if (this.created < this.size) {
      this.created++;
      return new SmtpSession(this.target);
    }
    return new Promise((resolve) => {
      const at = this.waiters.findIndex((w) => w.priority > priority);
      this.waiters.splice(at === -1 ? this.waiters.length : at, 0, { priority, resolve });
    });
  }

  release(session: SmtpSession): void {
    let next = session;
    if (session.broken || session.sent >= this.maxMessagesPerSession || this.closed) {
      session.close();
      if (this.closed) {
        this.created--;
        return;
      }
      next = new SmtpSession(this.target);
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve(next);
    } else {
      this.idle.push(next);
    }
  }

  close(): void {
    this.closed = true;
    for (const s of this.idle.splice(0)) {
      s.close();
    }
    this.logger.debug({ msg: 'smtp pool closed' });
  }
}
