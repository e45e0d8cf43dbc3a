import { findAppRoot, isLang, Lang, negotiateLang, PageMeta, Views } from '@lib/core';
import type { ParentEntity } from '@lib/messaging';
import type { Request } from 'express';
import * as path from 'node:path';

/** The messaging pages' Handlebars instance (templates next to the controllers). */
export const messagingViews = new Views(
  path.join(findAppRoot(), 'apps/tool/src/messaging/templates'),
);

export const STYLES = ['/static/messaging.css'];

/** ?lang= wins; then a signed-in parent's own language; then the usual negotiation. */
export function parentLang(req: Request, parent?: ParentEntity | null): Lang {
  if (isLang(req.query?.lang)) {
    return req.query.lang;
  }
  return parent?.lang ?? negotiateLang(req);
}

export function meta(
  req: Request,
  lang: Lang,
  title: string,
  extra: Partial<PageMeta> = {},
): PageMeta {
  return { title, lang, path: req.originalUrl, styles: STYLES, ...extra };
}

/** Only same-site relative paths (no `//host`), for `next` parameters. */
export function safeNext(next: unknown): string | undefined {
  return typeof next === 'string' && /^\/(?!\/)[\w\-./?=&%]*$/.test(next) ? next : undefined;
}

export function formatDateTime(d: Date | string | null | undefined, lang: Lang): string {
  if (!d) {
    return '';
  }
  return new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh',
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(d));
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function checked(v: unknown): boolean {
  return v === 'on' || v === 'true' || v === '1' || v === 'yes';
}
