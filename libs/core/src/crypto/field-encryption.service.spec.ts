import { FieldEncryptionService } from './field-encryption.service';

const key = (fill: number): Buffer => Buffer.alloc(32, fill);

function service(keys: [string, Buffer][]): FieldEncryptionService {
  return new FieldEncryptionService({
    appSecret: 'x'.repeat(40),
    encryptionKeys: { currentKeyId: keys[0][0], keys: new Map(keys) },
  });
}

describe('FieldEncryptionService', () => {
  it('round-trips text and never leaves it in the ciphertext', () => {
    const s = service([['k1', key(1)]]);
    const c = s.encrypt('0912 345 678');
    expect(c).toMatch(/^v1\.k1\./);
    expect(c).not.toContain('0912');
    expect(s.decrypt(c)).toBe('0912 345 678');
  });

  it('uses a fresh IV every time', () => {
    const s = service([['k1', key(1)]]);
    expect(s.encrypt('same')).not.toBe(s.encrypt('same'));
  });

  it('decrypts old values after a new key is put in front (rotation)', () => {
    const old = service([['k1', key(1)]]);
    const c = old.encrypt('parent@example.com');
    const rotated = service([
      ['k2', key(2)],
      ['k1', key(1)],
    ]);
    expect(rotated.decrypt(c)).toBe('parent@example.com');
    expect(rotated.needsRotation(c)).toBe(true);
    expect(rotated.needsRotation(rotated.encrypt('x'))).toBe(false);
  });

  it('rejects tampered ciphertext and wrong associated data', () => {
    const s = service([['k1', key(1)]]);
    const c = s.encrypt('secret', 'row-1');
    const parts = c.split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => s.decrypt(parts.join('.'), 'row-1')).toThrow();
    expect(() => s.decrypt(c, 'row-2')).toThrow();
    expect(s.decrypt(c, 'row-1')).toBe('secret');
  });

  it('blind indexes are stable, normalised, purpose-separated and survive key rotation', () => {
    const a = service([['k1', key(1)]]);
    const b = service([
      ['k2', key(2)],
      ['k1', key(1)],
    ]);
    expect(a.blindIndex('email', ' Parent@Example.com ')).toBe(
      a.blindIndex('email', 'parent@example.com'),
    );
    expect(a.blindIndex('email', 'x')).not.toBe(a.blindIndex('phone', 'x'));
    expect(a.blindIndex('phone', '0912 345 678')).toBe(b.blindIndex('phone', '0912345678'));
  });
});
