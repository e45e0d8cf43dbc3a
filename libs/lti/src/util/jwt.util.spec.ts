import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { decodeJwt, publicKeyOf, signRs256, verifyRs256 } from './jwt.util';

describe('compact RS256 JWTs', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });

  it('signs, decodes and verifies with a JWK', () => {
    const token = signRs256({ sub: '3', n: 1 }, privateKey, 'k1');
    const jwt = decodeJwt(token)!;
    expect(jwt.header).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'k1' });
    expect(jwt.payload).toEqual({ sub: '3', n: 1 });
    expect(verifyRs256(jwt, publicKeyOf(jwk))).toBe(true);
  });

  it('rejects a changed payload and refuses what is not a JWT', () => {
    const [h, , s] = signRs256({ sub: '3' }, privateKey, 'k1').split('.');
    const forged = decodeJwt(`${h}.${Buffer.from('{"sub":"4"}').toString('base64url')}.${s}`)!;
    expect(verifyRs256(forged, publicKeyOf(jwk))).toBe(false);
    expect(decodeJwt('a.b')).toBeNull();
    expect(decodeJwt('not.json.here')).toBeNull();
    expect(decodeJwt(42)).toBeNull();
  });
});
