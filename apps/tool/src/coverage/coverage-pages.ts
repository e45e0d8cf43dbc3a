import { findAppRoot, Lang, negotiateLang, Views } from '@lib/core';
import type { Request, Response } from 'express';
import * as path from 'node:path';

/** One page of a long list: where it starts, and links that keep the rest of the query. */
export interface Pager {
  page: number;
  pages: number;
  total: number;
  offset: number;
  size: number;
  /** 1-based positions of the first and last item shown. */
  from: number;
  to: number;
  prev: string | null;
  next: string | null;
  /** Fragment id the links jump back to. */
  anchor: string;
}

export const PAGE_SIZE = 50;

/**
 * What every coverage page does the same way: the language of the request, a template inside the
 * shared layout, the redirect after a form (keeping the language), file downloads, and pages of
 * long lists (`?<param>=n`, links that keep the other parameters).
 */
export class CoveragePages {
  private readonly views = new Views(path.join(findAppRoot(), 'apps/tool/src/coverage/templates'));

  lang(req: Request): Lang {
    return negotiateLang(req);
  }

  render(
    req: Request,
    res: Response,
    template: string,
    title: string,
    data: Record<string, unknown>,
    scripts: string[] = [],
  ): void {
    const meta = { title, lang: negotiateLang(req), path: req.originalUrl, scripts };
    res.type('html').send(this.views.page(template, meta, data));
  }

  /** 303 to `url` in the request's language (after a form post). */
  redirect(req: Request, res: Response, url: string): void {
    res.redirect(303, `${url}${url.includes('?') ? '&' : '?'}lang=${negotiateLang(req)}`);
  }

  download(res: Response, file: { contentType: string; fileName: string; body: Buffer }): void {
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${file.fileName}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.send(file.body);
  }

  /** The 1-based page number in `?<param>=` (1 when absent or not a number). */
  asked(req: Request, param: string): number {
    const v = req.query[param];
    const n = typeof v === 'string' ? Number.parseInt(v, 10) : 1;
    return Number.isFinite(n) && n > 0 ? n : 1;
  }

  /** The page asked for in `?<param>=` (clamped to what exists) of a list of `total` items. */
  pager(req: Request, param: string, total: number, size = PAGE_SIZE): Pager {
    const pages = Math.max(1, Math.ceil(total / size));
    const page = Math.min(pages, this.asked(req, param));
    const link = (n: number): string => {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(req.query)) {
        if (typeof v === 'string' && k !== param) {
          q.set(k, v);
        }
      }
      q.set(param, String(n));
      return `${req.path}?${q.toString()}#${param}`;
    };
    const offset = (page - 1) * size;
    return {
      page,
      pages,
      total,
      offset,
      size,
      from: total ? offset + 1 : 0,
      to: Math.min(total, offset + size),
      prev: page > 1 ? link(page - 1) : null,
      next: page < pages ? link(page + 1) : null,
      anchor: param,
    };
  }
}
