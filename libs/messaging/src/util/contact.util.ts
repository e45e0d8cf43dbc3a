import type { ContactKind } from '../entities/parent.entities';

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

/** Lower-cased, trimmed; undefined unless it looks like an address. */
export function normalizeEmail(value: string): string | undefined {
  const v = value.trim().toLowerCase();
  return v.length <= 254 && EMAIL.test(v) ? v : undefined;
}

/**
 * E.164. Vietnamese numbers are written `0912 345 678`, `84912345678` or `+84 912…`; other
 * countries need the `+`. Undefined unless it is a plausible number.
 */
export function normalizePhone(value: string): string | undefined {
  let v = value.trim().replace(/[\s().-]/g, '');
  if (/^00\d+$/.test(v)) {
    v = `+${v.slice(2)}`;
  }
  if (/^0\d{9}$/.test(v)) {
    v = `+84${v.slice(1)}`;
  } else if (/^84\d{9}$/.test(v)) {
    v = `+${v}`;
  }
  if (/^\+84\d{9}$/.test(v)) {
    return v;
  }
  return /^\+[1-9]\d{7,14}$/.test(v) && !v.startsWith('+84') ? v : undefined;
}

/** Normalises a contact value of a kind (Zalo reaches a person by phone number). */
export function normalizeContact(kind: ContactKind, value: string): string | undefined {
  return kind === 'email' ? normalizeEmail(value) : normalizePhone(value);
}

/** What a parent typed on the sign-in form: an e-mail or a phone number. */
export function parseSignInId(value: string): { kind: ContactKind; value: string } | undefined {
  const email = normalizeEmail(value);
  if (email) {
    return { kind: 'email', value: email };
  }
  const phone = normalizePhone(value);
  return phone ? { kind: 'phone', value: phone } : undefined;
}

/** `+84912345678` → `•••••••678`, for pages that confirm where a link went. */
export function maskContact(kind: ContactKind, value: string): string {
  if (kind === 'email') {
    const [user, domain] = value.split('@');
    return `${user.slice(0, 1)}•••@${domain}`;
  }
  return `•••${value.slice(-3)}`;
}
