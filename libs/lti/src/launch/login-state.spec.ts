import { LoginStates } from './login-state';

describe('LoginStates', () => {
  const states = new LoginStates('test-secret-of-at-least-32-characters!!');
  const login = {
    platformId: '9f0c1c5e-0000-4000-8000-000000000001',
    expiresAt: new Date('2026-11-29T12:10:00Z'),
    storageTarget: '_parent',
    params: { iss: 'https://lms.example', login_hint: '42', lti_message_hint: '{"cmid":5}' },
  };

  it('opens what it sealed, and names the same nonce', () => {
    const { state, key, nonce } = states.seal(login);
    expect(states.open(state)).toEqual({ key, ...login });
    expect(states.nonceOf(key)).toBe(nonce);
    expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('gives every login its own key and nonce', () => {
    const a = states.seal(login);
    const b = states.seal(login);
    expect(a.key).not.toBe(b.key);
    expect(a.nonce).not.toBe(b.nonce);
  });

  it('refuses a state altered anywhere, or sealed with another secret', () => {
    const { state } = states.seal(login);
    const [key, payload, mac] = state.split('.');
    const other = Buffer.from(
      JSON.stringify({ p: 'another-platform', e: 9_999_999_999, q: {} }),
    ).toString('base64url');
    const flip = (s: string): string => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    for (const forged of [
      `${key}.${other}.${mac}`,
      `${flip(key)}.${payload}.${mac}`,
      `${key}.${payload}.${flip(mac)}`,
      `${key}.${payload}`,
      'no-such-state',
      '',
      `${'a'.repeat(9000)}.${payload}.${mac}`,
    ]) {
      expect(states.open(forged)).toBeNull();
    }
    expect(new LoginStates('another-secret-of-at-least-32-chars!!').open(state)).toBeNull();
  });

  it('keeps no storage target when the platform offered none', () => {
    const { state } = states.seal({ ...login, storageTarget: null });
    expect(states.open(state)?.storageTarget).toBeNull();
  });
});
