import { stateCookieAttributes } from './lti.controller';

describe('stateCookieAttributes', () => {
  const attrs = (header: string): string[] =>
    header
      .split(';')
      .slice(1)
      .map((a) => a.trim().toLowerCase());

  it('inside the LMS iframe (HTTPS): third-party, partitioned, 10 minutes, scoped to /lti', () => {
    const { set } = stateCookieAttributes(true);
    expect(attrs(`s=v${set}`)).toEqual(
      expect.arrayContaining([
        'max-age=600',
        'path=/lti',
        'httponly',
        'secure',
        'samesite=none',
        'partitioned',
      ]),
    );
  });

  it('over plain HTTP (development): Lax, never Secure or Partitioned', () => {
    const a = attrs(`s=v${stateCookieAttributes(false).set}`);
    expect(a).toEqual(expect.arrayContaining(['max-age=600', 'path=/lti', 'samesite=lax']));
    expect(a).not.toContain('secure');
    expect(a).not.toContain('partitioned');
  });

  it('clears with the same scope, so the browser drops the very cookie it set', () => {
    for (const secure of [true, false]) {
      const { set, clear } = stateCookieAttributes(secure);
      const scope = (h: string): string[] =>
        attrs(h).filter((x) => !x.startsWith('max-age') && !x.startsWith('expires'));
      expect(scope(`s=${clear}`)).toEqual(scope(`s=v${set}`));
      expect(attrs(`s=${clear}`)).toContain('max-age=0');
    }
  });
});
