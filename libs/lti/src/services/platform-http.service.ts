import { Injectable } from '@nestjs/common';
import { LtijsService } from './ltijs.service';
import { PlatformInfo } from './platform-registry.service';

/** An answer from a platform service that was not 2xx. */
export class PlatformHttpError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'PlatformHttpError';
  }
}

/** Retry-After as milliseconds (seconds or an HTTP date). */
export function retryAfterMs(header: string | null): number | undefined {
  if (!header) {
    return undefined;
  }
  if (/^\d+$/.test(header.trim())) {
    return Number(header.trim()) * 1000;
  }
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * Calls to a platform's AGS/NRPS endpoints with an OAuth2 token from ltijs (client-credentials
 * grant with a signed client assertion; cached encrypted in `lti_access_token` for its lifetime).
 */
@Injectable()
export class PlatformHttp {
  constructor(private readonly ltijs: LtijsService) {}

  private async token(platform: PlatformInfo, scopes: string[]): Promise<string> {
    const lti = await this.ltijs.provider.getPlatform(platform.issuer, platform.clientId);
    if (!lti) {
      throw new PlatformHttpError(404, undefined, 'platform registration missing');
    }
    try {
      const token = await lti.platformAccessToken(scopes.join(' '));
      return `${token.token_type} ${token.access_token}`;
    } catch (err) {
      const res = (err as { response?: { statusCode?: number; headers?: Record<string, string> } })
        .response;
      const status = res?.statusCode ?? 502;
      throw new PlatformHttpError(
        status,
        retryAfterMs(res?.headers?.['retry-after'] ?? null),
        `token endpoint answered ${status}`,
      );
    }
  }

  async request(
    platform: PlatformInfo,
    scopes: string[],
    url: string,
    init: { method?: string; accept?: string; contentType?: string; body?: unknown } = {},
  ): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const authorization = await this.token(platform, scopes);
      const res = await fetch(url, {
        method: init.method ?? 'GET',
        headers: {
          Authorization: authorization,
          ...(init.accept ? { Accept: init.accept } : {}),
          ...(init.contentType ? { 'Content-Type': init.contentType } : {}),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(15_000),
      }).catch((err: unknown) => {
        throw new PlatformHttpError(503, undefined, `unreachable: ${String(err)}`);
      });
      if (res.status === 401 && attempt === 0) {
        // The platform dropped our token early: forget it and get a new one once.
        await this.ltijs.store.Delete('accesstoken', {
          platformUrl: platform.issuer,
          clientId: platform.clientId,
          scopes: scopes.join(' '),
        });
        continue;
      }
      if (!res.ok) {
        throw new PlatformHttpError(
          res.status,
          retryAfterMs(res.headers.get('retry-after')),
          `${init.method ?? 'GET'} answered ${res.status}`,
        );
      }
      return res;
    }
  }
}

/** The URL of the `rel="next"` link of a Link header. */
export function nextLink(header: string | null): string | undefined {
  if (!header) {
    return undefined;
  }
  for (const part of header.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (m && m[2].split(/\s+/).includes('next')) {
      return m[1];
    }
  }
  return undefined;
}
