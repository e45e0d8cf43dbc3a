import { createHmac, timingSafeEqual } from 'node:crypto';
import { randomToken } from '../util/random.util';

/** What a login hands to its launch, sealed into the OIDC `state` (ADR 0108). */
export interface LoginState {
  /** 16 random bytes (base64url): the login's id, its state cookie's value, its `lti_login` key. */
  key: string;
  platformId: string;
  expiresAt: Date;
  /** The platform's frame name for the LTI platform-storage API, when it offered one. */
  storageTarget: string | null;
  /** The login request's own parameters, to restart it in a new window when cookies are blocked. */
  params: Record<string, string>;
}

/** Longer states are refused unread (the parameters are each < 2,000 characters). */
const MAX_STATE_LENGTH = 8_000;

/**
 * Seals a login into its `state` as `<key>.<payload>.<HMAC>` and opens it again at the launch, so
 * a login writes nothing: the state itself carries the platform, expiry, storage target and login
 * parameters, the HMAC (the app secret, a label of its own) makes it unforgeable, and the nonce
 * is an HMAC of the key, so only this tool can name the nonce of a state. Single use is the
 * launch's business: its transaction inserts the `lti_login` row of the key (ON CONFLICT DO
 * NOTHING), and a second launch of the same state finds it taken.
 */
export class LoginStates {
  constructor(private readonly secret: string) {}

  seal(login: Omit<LoginState, 'key'>): { state: string; key: string; nonce: string } {
    const key = randomToken(16);
    const payload = Buffer.from(
      JSON.stringify({
        p: login.platformId,
        e: Math.ceil(login.expiresAt.getTime() / 1000),
        ...(login.storageTarget ? { s: login.storageTarget } : {}),
        q: login.params,
      }),
    ).toString('base64url');
    const sealed = `${key}.${payload}`;
    return { state: `${sealed}.${this.mac('lti-state', sealed)}`, key, nonce: this.nonceOf(key) };
  }

  /** The login a state seals; null when it is not one of ours (malformed, altered, forged). */
  open(state: string): LoginState | null {
    if (state.length > MAX_STATE_LENGTH) {
      return null;
    }
    const last = state.lastIndexOf('.');
    const first = state.indexOf('.');
    if (first < 1 || last <= first) {
      return null;
    }
    const sealed = state.slice(0, last);
    const expected = Buffer.from(this.mac('lti-state', sealed));
    const actual = Buffer.from(state.slice(last + 1));
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
      return null;
    }
    try {
      const body = JSON.parse(
        Buffer.from(state.slice(first + 1, last), 'base64url').toString('utf8'),
      ) as { p?: unknown; e?: unknown; s?: unknown; q?: unknown };
      if (typeof body.p !== 'string' || typeof body.e !== 'number') {
        return null;
      }
      const params: Record<string, string> = {};
      if (body.q && typeof body.q === 'object') {
        for (const [k, v] of Object.entries(body.q as Record<string, unknown>)) {
          if (typeof v === 'string') {
            params[k] = v;
          }
        }
      }
      return {
        key: state.slice(0, first),
        platformId: body.p,
        expiresAt: new Date(body.e * 1000),
        storageTarget: typeof body.s === 'string' ? body.s : null,
        params,
      };
    } catch {
      return null;
    }
  }

  /** The nonce this tool sends with the login of `key`: recomputed at the launch, never stored. */
  nonceOf(key: string): string {
    return this.mac('lti-nonce', key);
  }

  private mac(label: string, value: string): string {
    return createHmac('sha256', this.secret).update(`${label}:${value}`).digest('base64url');
  }
}
