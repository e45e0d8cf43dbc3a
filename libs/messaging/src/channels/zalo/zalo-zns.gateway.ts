import { AppConfig, InjectConfig } from '@lib/core';
import { Injectable } from '@nestjs/common';
import { GatewayResult, postJson, text } from '../http.util';

// ZNS error codes that mean "this number cannot get ZNS" (invalid phone, no Zalo account,
// account cannot receive ZNS); the contact is marked invalid. Quota/rate codes are retried.
const INVALID = new Set([-108, -118, -119]);
const TEMPORARY = new Set([-1, -32, -115, -133]);

/**
 * Zalo Notification Service: pre-approved template messages sent by phone number through the
 * Zalo OA API (`POST {ZALO_ZNS_URL}/message/template`, header `access_token`). The recipient
 * row id goes as `tracking_id`, so the delivery report and our row can be matched.
 */
@Injectable()
export class ZaloZnsGateway {
  constructor(@InjectConfig() private readonly config: AppConfig) {}

  get enabled(): boolean {
    return Boolean(this.config.messaging.zaloAccessToken && this.config.messaging.zaloTemplateId);
  }

  async send(input: {
    phone: string;
    data: Record<string, string>;
    trackingId: string;
  }): Promise<GatewayResult> {
    const { zaloZnsUrl, zaloAccessToken, zaloTemplateId } = this.config.messaging;
    if (!zaloAccessToken || !zaloTemplateId) {
      return { ok: false, kind: 'permanent', error: 'Zalo ZNS not configured' };
    }
    const res = await postJson(
      `${zaloZnsUrl.replace(/\/+$/, '')}/message/template`,
      { access_token: zaloAccessToken },
      {
        phone: input.phone.replace(/^\+/, ''),
        template_id: zaloTemplateId,
        template_data: input.data,
        tracking_id: input.trackingId,
      },
    );
    if ('error' in res) {
      return { ok: false, kind: 'temporary', error: res.error };
    }
    if (res.status === 429 || res.status >= 500) {
      return {
        ok: false,
        kind: 'temporary',
        error: `HTTP ${res.status}`,
        retryAfterMs: res.retryAfterMs,
      };
    }
    const code = Number(res.json.error ?? (res.status < 300 ? 0 : -100));
    const message = text(res.json.message).slice(0, 200);
    if (code === 0) {
      const data = (res.json.data ?? {}) as Record<string, unknown>;
      return { ok: true, providerId: text(data.msg_id) || input.trackingId };
    }
    if (INVALID.has(code)) {
      return { ok: false, kind: 'invalid', error: `ZNS ${code} ${message}`.trim() };
    }
    if (TEMPORARY.has(code)) {
      return { ok: false, kind: 'temporary', error: `ZNS ${code} ${message}`.trim() };
    }
    return { ok: false, kind: 'permanent', error: `ZNS ${code} ${message}`.trim() };
  }
}
