import type { Request } from 'express';

export type Lang = 'vi' | 'en';
export const LANGS: readonly Lang[] = ['vi', 'en'];
export const DEFAULT_LANG: Lang = 'vi';

export type Messages = Record<string, string>;

const catalogs: Record<Lang, Messages> = { vi: {}, en: {} };

/**
 * Message catalogs for pages and e-mails. Each lib registers its own keys (prefixed by the
 * lib name) at import time; a missing Vietnamese message is a bug that the i18n spec catches.
 */
export const I18n = {
  register(messages: Record<Lang, Messages>): void {
    for (const lang of LANGS) {
      Object.assign(catalogs[lang], messages[lang]);
    }
  },

  t(lang: Lang, key: string, params: Record<string, string | number | undefined> = {}): string {
    const template = catalogs[lang][key] ?? catalogs.en[key] ?? key;
    return template.replace(/\{(\w+)\}/g, (_, name: string) =>
      params[name] === undefined ? `{${name}}` : String(params[name]),
    );
  },

  has(lang: Lang, key: string): boolean {
    return key in catalogs[lang];
  },

  keys(lang: Lang): string[] {
    return Object.keys(catalogs[lang]);
  },
};

export function isLang(value: unknown): value is Lang {
  return value === 'vi' || value === 'en';
}

/** Maps an LTI/BCP 47 locale such as `en-US` or `vi_VN` to a supported language. */
export function langFromLocale(locale: unknown): Lang | undefined {
  if (typeof locale !== 'string') {
    return undefined;
  }
  const base = locale.toLowerCase().split(/[-_]/)[0];
  return isLang(base) ? base : undefined;
}

/** ?lang= wins, then the language cookie, then Accept-Language, then Vietnamese. */
export function negotiateLang(req: Request): Lang {
  const query = req.query?.lang;
  if (isLang(query)) {
    return query;
  }
  const cookie = (req.cookies as Record<string, string> | undefined)?.sn_lang;
  if (isLang(cookie)) {
    return cookie;
  }
  for (const part of (req.headers['accept-language'] ?? '').split(',')) {
    const lang = langFromLocale(part.split(';')[0].trim());
    if (lang) {
      return lang;
    }
  }
  return DEFAULT_LANG;
}
