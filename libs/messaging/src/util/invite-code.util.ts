import { randomInt } from 'node:crypto';

// No 0/O, 1/I/L: codes are read off paper and typed on phones.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** `ABCD-EFGH`: 31^8 ≈ 8.5·10^11 codes; redemption is rate-limited and codes expire. */
export function generateInviteCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) {
    s += ALPHABET[randomInt(ALPHABET.length)];
  }
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

/** Upper-cases and drops spaces and dashes; undefined unless 8 valid characters remain. */
export function normalizeInviteCode(input: string): string | undefined {
  const v = input.toUpperCase().replace(/[\s-]/g, '');
  if (v.length !== 8 || [...v].some((c) => !ALPHABET.includes(c))) {
    return undefined;
  }
  return `${v.slice(0, 4)}-${v.slice(4)}`;
}
