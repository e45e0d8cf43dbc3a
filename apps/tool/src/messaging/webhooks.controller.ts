import { AppConfig, I18n, InjectConfig, RateLimit } from '@lib/core';
import {
  MessageDeliveryService,
  MessagingErrorCode,
  MessagingException,
  ParentsService,
  smsKeyword,
} from '@lib/messaging';
import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';

interface SmsWebhook {
  /** Inbound reply: the sender's number and text. */
  from?: string;
  text?: string;
  /** Delivery report: our reference (recipient id) and the outcome. */
  reference?: string;
  status?: string;
}

/**
 * The SMS gateway calls back here (header `X-Webhook-Secret`): replies STOP/START (also HUY /
 * BAT DAU) switch SMS off or on for that number at once, and delivery reports of unreachable
 * numbers mark the contact invalid.
 */
@Controller('messaging/webhooks')
export class MessagingWebhooksController {
  constructor(
    private readonly parents: ParentsService,
    private readonly delivery: MessageDeliveryService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  private check(secret: string | undefined): void {
    const expected = this.config.messaging.smsWebhookSecret;
    const ok =
      Boolean(expected && secret) &&
      Buffer.byteLength(secret!) === Buffer.byteLength(expected!) &&
      timingSafeEqual(Buffer.from(secret!), Buffer.from(expected!));
    if (!ok) {
      throw new MessagingException(MessagingErrorCode.WEBHOOK_FORBIDDEN, 'Bad webhook secret.');
    }
  }

  @Post('sms')
  @HttpCode(200)
  @RateLimit({ name: 'sms-webhook', points: 600, durationSeconds: 60 })
  async sms(
    @Headers('x-webhook-secret') secret: string | undefined,
    @Body() body: SmsWebhook,
  ): Promise<{ ok: true; action: string; reply?: string }> {
    this.check(secret);
    if (body.from && typeof body.text === 'string') {
      const keyword = smsKeyword(body.text);
      if (!keyword) {
        return { ok: true, action: 'ignored' };
      }
      const contacts = (await this.parents.contactsByPhone(body.from)).filter(
        (c) => c.kind === 'phone',
      );
      for (const c of contacts) {
        if (keyword === 'stop') {
          await this.parents.setContactStatus(c.id, 'stopped', 'SMS STOP', {
            type: 'gateway',
            id: 'sms',
          });
        } else if (c.status === 'stopped') {
          await this.parents.setContactStatus(c.id, 'active', 'SMS START', {
            type: 'gateway',
            id: 'sms',
          });
        }
      }
      // The gateway sends this confirmation back to the number (plain text, both languages).
      const reply = [
        I18n.t('vi', keyword === 'stop' ? 'messaging.sms.stopped' : 'messaging.sms.started'),
        I18n.t('en', keyword === 'stop' ? 'messaging.sms.stopped' : 'messaging.sms.started'),
      ].join(' / ');
      return { ok: true, action: keyword, reply };
    }
    if (body.reference && body.status) {
      const failed = /invalid|unreachable|undeliverable|rejected|blocked/i.test(body.status);
      if (failed && /^[0-9a-f-]{36}$/i.test(body.reference)) {
        await this.delivery.undeliverable(body.reference, 'phone', body.status);
      }
      return { ok: true, action: failed ? 'contact-invalid' : 'noted' };
    }
    return { ok: true, action: 'ignored' };
  }
}
