import { AppConfig, InjectConfig } from '@lib/core';
import { Injectable, Logger } from '@nestjs/common';
import nodemailer, { Transporter } from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** Ids for the log (never the address). */
  ref: Record<string, string>;
}

/**
 * How coverage sends e-mail. The messaging lib will provide the shared implementation later;
 * until then {@link SmtpMailer} sends through SMTP_URL, or only logs when it is unset.
 */
export abstract class CoverageMailer {
  abstract send(message: MailMessage): Promise<void>;
}

@Injectable()
export class SmtpMailer extends CoverageMailer {
  private readonly logger = new Logger(SmtpMailer.name);
  private transport?: Transporter;

  constructor(@InjectConfig() private readonly config: AppConfig) {
    super();
  }

  async send(message: MailMessage): Promise<void> {
    if (!this.config.smtpUrl) {
      this.logger.log({ msg: 'mail not sent (SMTP_URL unset)', ...message.ref });
      return;
    }
    this.transport ??= nodemailer.createTransport(this.config.smtpUrl);
    await this.transport.sendMail({
      from: this.config.mailFrom,
      to: message.to,
      subject: message.subject,
      text: message.text,
    });
    this.logger.log({ msg: 'mail sent', ...message.ref });
  }
}
