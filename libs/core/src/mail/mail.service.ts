import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import nodemailer, { Transporter } from 'nodemailer';
import { AppConfig, InjectConfig } from '../config';
import { PermanentJobError, RetryLaterError } from '../queue/job.types';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /**
   * Stable id of this message (e.g. `<recipientId@safenest>`): a retried send carries the
   * same Message-ID, so a receiving server or client can drop a duplicate.
   */
  messageId: string;
  headers?: Record<string, string>;
  replyTo?: string;
}

export interface MailResult {
  accepted: boolean;
  /** What the server answered (for the delivery record); never the address. */
  response: string;
}

/**
 * E-mail over SMTP (SMTP_URL), pooled. Without SMTP_URL (development) messages are rendered
 * but not sent, and only their id is logged. Call it from a job: temporary SMTP failures
 * become RetryLaterError, permanent rejections (5xx) PermanentJobError, so the queue's
 * backoff and failure handling apply.
 */
@Injectable()
export class MailService implements OnModuleDestroy {
  private readonly logger = new Logger(MailService.name);
  private readonly transport: Transporter;
  readonly sends: boolean;

  constructor(@InjectConfig() private readonly config: AppConfig) {
    this.sends = Boolean(config.smtpUrl);
    this.transport = config.smtpUrl
      ? nodemailer.createTransport(config.smtpUrl, { pool: true, maxConnections: 5 } as never)
      : nodemailer.createTransport({ jsonTransport: true });
  }

  async send(message: MailMessage): Promise<MailResult> {
    try {
      const info = (await this.transport.sendMail({
        from: this.config.mailFrom,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: message.messageId,
        headers: message.headers,
        replyTo: message.replyTo,
      })) as { response?: string; rejected?: unknown[] };
      if (!this.sends) {
        this.logger.log({ msg: 'e-mail not sent (SMTP_URL unset)', messageId: message.messageId });
      }
      const rejected = Array.isArray(info.rejected) && info.rejected.length > 0;
      if (rejected) {
        throw new PermanentJobError(`Recipient rejected: ${info.response ?? ''}`.trim());
      }
      return { accepted: true, response: String(info.response ?? 'ok').slice(0, 300) };
    } catch (err) {
      if (err instanceof PermanentJobError) {
        throw err;
      }
      const e = err as { responseCode?: number; code?: string; message?: string };
      if (typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600) {
        throw new PermanentJobError(`SMTP ${e.responseCode}: ${e.message ?? ''}`.slice(0, 300));
      }
      throw new RetryLaterError(
        `SMTP unavailable: ${e.code ?? e.responseCode ?? ''} ${e.message ?? ''}`
          .trim()
          .slice(0, 300),
      );
    }
  }

  /** Checks the connection (for readiness and the CLI). */
  async verify(): Promise<boolean> {
    if (!this.sends) {
      return true;
    }
    try {
      return await this.transport.verify();
    } catch {
      return false;
    }
  }

  onModuleDestroy(): void {
    this.transport.close();
  }
}
