import { AppConfig, InjectConfig } from '@lib/core';
import { Injectable } from '@nestjs/common';
import { GatewayResult, plainSmsText, postJson, text } from '../http.util';

/**
 * SMS through an HTTP gateway (SMS_GATEWAY_URL): `POST { to, text, reference }` with a bearer
 * token. `reference` is the recipient row id; gateways that keep client references drop a
 * repeated one, which makes a retry after a crash harmless (ADR 0601). Replies (STOP/START)
 * and delivery reports come back to /messaging/webhooks/sms.
 */
@Injectable()
export class SmsGateway {
  constructor(@InjectConfig() private readonly config: AppConfig) {}

  get enabled(): boolean {
    return Boolean(this.config.messaging.smsGatewayUrl);
  }

  async send(input: { to: string; text: string; reference: string }): Promise<GatewayResult> {
    const url = this.config.messaging.smsGatewayUrl;
    if (!url) {
      return { ok: false, kind: 'permanent', error: 'SMS gateway not configured' };
    }
    const token = this.config.messaging.smsGatewayToken;
    const res = await postJson(url, token ? { authorization: `Bearer ${token}` } : {}, {
      to: input.to,
      text: plainSmsText(input.text).slice(0, 459),
      reference: input.reference,
    });
    if ('error' in res) {
      return { ok: false, kind: 'temporary', error: res.error };
    }
    if (res.status >= 200 && res.status < 300) {
      return {
        ok: true,
        providerId: text(res.json.id) || text(res.json.messageId) || input.reference,
      };
    }
    const code = text(res.json.error) || text(res.json.code);
    if (res.status === 429 || res.status >= 500) {
      return {
        ok: false,
        kind: 'temporary',
        error: `HTTP ${res.status} ${code}`.trim(),
        retryAfterMs: res.retryAfterMs,
      };
    }
    if (/invalid|unreachable|blocked|not.?exist/i.test(code) || res.status === 422) {
      return { ok: false, kind: 'invalid', error: `HTTP ${res.status} ${code}`.trim() };
    }
    return { ok: false, kind: 'permanent', error: `HTTP ${res.status} ${code}`.trim() };
  }
}

/** Inbound SMS keywords (English and Vietnamese, without diacritics). */
export function smsKeyword(text: string): 'stop' | 'start' | undefined {
  const word = plainSmsText(text).trim().toUpperCase().split(/\s+/)[0] ?? '';
  if (['STOP', 'HUY', 'TUCHOI', 'UNSUBSCRIBE', 'END', 'QUIT', 'CANCEL'].includes(word)) {
    return 'stop';
  }
  if (['START', 'BATDAU', 'UNSTOP', 'YES'].includes(word)) {
    return 'start';
  }
  return undefined;
}
