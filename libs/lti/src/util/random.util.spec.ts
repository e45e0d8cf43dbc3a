import { randomToken } from './random.util';

describe('randomToken', () => {
  it('gives the asked number of bytes as base64url', () => {
    expect(Buffer.from(randomToken(24), 'base64url')).toHaveLength(24);
    expect(randomToken(18)).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(Buffer.from(randomToken(5000), 'base64url')).toHaveLength(5000);
  });

  it('never hands out the same bytes twice, across pool refills', () => {
    const seen = new Set<string>();
    // 24-byte tokens: 171 per 4 KiB pool, so this crosses more than 20 refills.
    for (let i = 0; i < 4000; i++) {
      seen.add(randomToken(24));
    }
    expect(seen.size).toBe(4000);
  });
});
