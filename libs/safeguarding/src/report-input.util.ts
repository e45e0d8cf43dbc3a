import { ConcernCategory, ContactMethod, LIMITS, ReporterRelation } from './safeguarding.constants';

/** A report as the form or the API gives it, checked and normalised. */
export interface ConcernInput {
  category: ConcernCategory;
  imminentDanger: boolean;
  description: string;
  platform: string;
  url: string;
  when: string;
  involved: string;
  relation: ReporterRelation;
  contactMethod: ContactMethod;
  email: string;
  phone: string;
  contactNote: string;
  reporterName: string;
}

export type ProblemReason =
  'required' | 'too_long' | 'choice' | 'url' | 'email' | 'phone' | 'image_data';

export interface FieldProblem {
  field: keyof ConcernInput;
  reason: ProblemReason;
  /** The limit for `too_long`. */
  max?: number;
}

export interface ParseOptions {
  /** Pupils from the player may ask to be found at school; others may not. */
  allowAtSchool: boolean;
  defaultRelation: ReporterRelation;
}

const enumValues = <T extends string>(e: Record<string, T>): T[] => Object.values(e);

/** Trims, NFC-normalises and drops control characters (keeps new lines and tabs). */
export function cleanText(value: unknown): string {
  if (typeof value !== 'string') {
    return '';
  }
  return (
    value
      .normalize('NFC')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
      .trim()
  );
}

/** Pasted image data (a `data:` URL or a long base64 run) is refused: links only. */
export function looksLikeImageData(value: string): boolean {
  if (/data:(image|video)\//i.test(value)) {
    return true;
  }
  // A long run of mixed-case letters and digits without spaces is an encoded file, not words.
  return (value.match(/[A-Za-z0-9+/]{400,}/g) ?? []).some(
    (run) => /[a-z]/.test(run) && /[A-Z]/.test(run) && /\d/.test(run),
  );
}

export function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && Boolean(u.hostname);
  } catch {
    return false;
  }
}

export const isEmail = (v: string): boolean =>
  v.length <= LIMITS.email && /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(v);

export const isPhone = (v: string): boolean => {
  const digits = v.replace(/[\s().-]/g, '');
  return /^\+?\d{8,15}$/.test(digits);
};

/**
 * Checks a submitted report. Every problem is returned at once (field + reason) so the form can
 * show them all; nothing is thrown. Script or HTML in the text is kept as text: pages escape it.
 */
export function parseConcernInput(
  raw: Record<string, unknown>,
  options: ParseOptions,
): { input?: ConcernInput; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const text = (field: keyof ConcernInput, max: number): string => {
    const v = cleanText(raw[field]);
    if (v.length > max) {
      problems.push({ field, reason: 'too_long', max });
    }
    return v;
  };
  const choice = <T extends string>(field: keyof ConcernInput, allowed: T[], fallback?: T): T => {
    const v = cleanText(raw[field]);
    if (!v && fallback !== undefined) {
      return fallback;
    }
    if (!allowed.includes(v as T)) {
      problems.push({ field, reason: v ? 'choice' : 'required' });
      return allowed[0];
    }
    return v as T;
  };

  const category = choice('category', enumValues(ConcernCategory));
  const danger = cleanText(raw.imminentDanger);
  const imminentDanger =
    raw.imminentDanger === true || danger === 'yes' || danger === 'true' || danger === 'on';
  const description = text('description', LIMITS.description);
  const platform = text('platform', LIMITS.platform);
  const url = text('url', LIMITS.url);
  const when = text('when', LIMITS.when);
  const involved = text('involved', LIMITS.involved);
  const relations = enumValues(ReporterRelation).filter((r) => r !== ReporterRelation.SERVICE);
  const relation = choice('relation', relations, options.defaultRelation);
  const methods = enumValues(ContactMethod).filter(
    (m) => options.allowAtSchool || m !== ContactMethod.AT_SCHOOL,
  );
  const contactMethod = choice('contactMethod', methods, ContactMethod.NONE);
  const email = text('email', LIMITS.email);
  const phone = text('phone', LIMITS.phone);
  const contactNote = text('contactNote', LIMITS.contactNote);
  const reporterName = text('reporterName', LIMITS.name);

  if (url && !isHttpUrl(url)) {
    problems.push({ field: 'url', reason: looksLikeImageData(url) ? 'image_data' : 'url' });
  }
  for (const field of ['description', 'involved', 'platform'] as const) {
    const v = { description, involved, platform }[field];
    if (looksLikeImageData(v)) {
      problems.push({ field, reason: 'image_data' });
    }
  }
  if (contactMethod === ContactMethod.EMAIL && !isEmail(email)) {
    problems.push({ field: 'email', reason: email ? 'email' : 'required' });
  }
  if (contactMethod === ContactMethod.PHONE && !isPhone(phone)) {
    problems.push({ field: 'phone', reason: phone ? 'phone' : 'required' });
  }
  if (problems.length > 0) {
    return { problems };
  }
  return {
    problems,
    input: {
      category,
      imminentDanger,
      description,
      platform,
      url,
      when,
      involved,
      relation,
      contactMethod,
      // Keep only what the chosen way of contact needs: nothing is stored "just in case".
      email: contactMethod === ContactMethod.EMAIL ? email.toLowerCase() : '',
      phone: contactMethod === ContactMethod.PHONE ? phone : '',
      contactNote: contactMethod === ContactMethod.NONE ? '' : contactNote,
      reporterName: contactMethod === ContactMethod.NONE ? '' : reporterName,
    },
  };
}

const REFERENCE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32

/** A 50-bit code the reporter keeps to check on the report (`XXXXX-XXXXX`). */
export function newReferenceCode(random: (n: number) => Buffer): string {
  const bytes = random(10);
  let out = '';
  for (let i = 0; i < 10; i++) {
    out += REFERENCE_ALPHABET[bytes[i] & 31];
  }
  return `${out.slice(0, 5)}-${out.slice(5)}`;
}

/** Reads a code as people type it: any case, spaces, O for 0, I/L for 1. */
export function normaliseReferenceCode(value: unknown): string | null {
  if (typeof value !== 'string') {
    return null;
  }
  const v = value.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (!/^[0-9A-HJKMNP-TV-Z]{10}$/.test(v)) {
    return null;
  }
  return `${v.slice(0, 5)}-${v.slice(5)}`;
}
