import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCb) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

// N = 2^15 costs ~60-100 ms per hash here (OWASP's minimum for scrypt), off the event loop.
const LOG_N = 15;
const R = 8;
const P = 1;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password.normalize('NFKC'), salt, 32, {
    N: 2 ** LOG_N,
    r: R,
    p: P,
    maxmem: 64 * 1024 * 1024,
  });
  return ['scrypt', LOG_N, R, P, salt.toString('base64'), hash.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [algo, logN, r, p, salt, hash] = stored.split('$');
  if (algo !== 'scrypt') {
    return false;
  }
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(
    password.normalize('NFKC'),
    Buffer.from(salt, 'base64'),
    expected.length,
    {
      N: 2 ** Number(logN),
      r: Number(r),
      p: Number(p),
      maxmem: 64 * 1024 * 1024,
    },
  );
  return timingSafeEqual(expected, actual);
}

/** The rules shown on the form: long enough to resist guessing, no composition rules (NIST 800-63B). */
export function passwordProblem(password: string): string | undefined {
  if (password.length < 12) {
    return 'Passwords must be at least 12 characters.';
  }
  if (password.length > 200) {
    return 'Passwords must be at most 200 characters.';
  }
  return undefined;
}
