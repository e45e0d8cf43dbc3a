import { createPublicKey, KeyObject, sign, verify, webcrypto } from 'node:crypto';

export interface DecodedJwt {
  header: { alg?: string; kid?: string; typ?: string };
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

const b64json = (value: unknown): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

/** Splits a compact JWS without trusting it; null when it is not one. */
export function decodeJwt(token: unknown): DecodedJwt | null {
  if (typeof token !== 'string' || token.length > 64_000) {
    return null;
  }
  const parts = token.split('.');
  if (parts.length !== 3) {
    return null;
  }
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as unknown;
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
    if (!header || typeof header !== 'object' || !payload || typeof payload !== 'object') {
      return null;
    }
    return {
      header: header,
      payload: payload as Record<string, unknown>,
      signingInput: `${parts[0]}.${parts[1]}`,
      signature: Buffer.from(parts[2], 'base64url'),
    };
  } catch {
    return null;
  }
}

/** RS256 only: the one algorithm LTI 1.3 allows. */
export function verifyRs256(jwt: DecodedJwt, key: KeyObject): boolean {
  return verify('RSA-SHA256', Buffer.from(jwt.signingInput), key, jwt.signature);
}

export function signRs256(
  payload: Record<string, unknown>,
  privateKey: KeyObject | string,
  kid: string,
): string {
  const input = `${b64json({ alg: 'RS256', typ: 'JWT', kid })}.${b64json(payload)}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), privateKey).toString('base64url')}`;
}

/** A public key from a JWK (as in a JWKS) or a PEM string. */
export function publicKeyOf(key: webcrypto.JsonWebKey | string): KeyObject {
  return typeof key === 'string'
    ? createPublicKey(key)
    : createPublicKey({ key: key as never, format: 'jwk' });
}
