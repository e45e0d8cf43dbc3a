import * as fs from 'node:fs';
import * as path from 'node:path';
import Handlebars from 'handlebars';
import { findAppRoot } from '../config';
import { I18n, Lang, LANGS } from '../i18n';
import { RequestContexts } from '../logging/request-context';

const LAYOUT_FILE = path.join(findAppRoot(), 'libs/core/src/views/templates/layout.hbs');

export interface PageMeta {
  title: string;
  lang: Lang;
  /** Current path without the lang query, for the language switch. */
  path?: string;
  /**
   * The page's own address when it answers a form post to another one (the LTI launch): the
   * page's script puts it in the address bar, so a reload asks for the page, not the post.
   */
  url?: string;
  /** Extra body class, e.g. `player` for the compact lesson layout. */
  bodyClass?: string;
  /** Hide the site header inside the LMS iframe. */
  embedded?: boolean;
  scripts?: string[];
  /** Extra stylesheets of the lib (served under /static/). */
  styles?: string[];
}

/**
 * One Handlebars instance per lib (style.md): templates are files under the lib's
 * `views/templates/`, compiled once and cached. `{{x}}` escapes; `{{{x}}}` is only used for
 * HTML this code produced itself (the rendered body, Markdown rendered by our safe renderer).
 */
/** Our helpers, declared to the compiler so templates call them directly (no lookup per use). */
const KNOWN_HELPERS = {
  t: true,
  eq: true,
  not: true,
  and: true,
  or: true,
  add: true,
  percent: true,
  date: true,
  l: true,
};

export class Views {
  private readonly hbs = Handlebars.create();
  private readonly cache = new Map<string, Handlebars.TemplateDelegate>();
  private readonly layout: Handlebars.TemplateDelegate;

  constructor(private readonly dir: string) {
    registerHelpers(this.hbs);
    this.layout = this.hbs.compile(fs.readFileSync(LAYOUT_FILE, 'utf8'), {
      knownHelpers: KNOWN_HELPERS,
    });
    const partials = path.join(dir, 'partials');
    if (fs.existsSync(partials)) {
      for (const file of fs.readdirSync(partials)) {
        this.hbs.registerPartial(
          path.basename(file, '.hbs'),
          fs.readFileSync(path.join(partials, file), 'utf8'),
        );
      }
    }
  }

  /** Renders a template to an HTML fragment. */
  fragment(name: string, data: Record<string, unknown>): string {
    return this.template(name)(data);
  }

  /** Renders a whole page: the template inside the shared layout. */
  page(name: string, meta: PageMeta, data: Record<string, unknown> = {}): string {
    const body = this.fragment(name, { ...data, lang: meta.lang });
    return this.layout({
      ...meta,
      body,
      // A signed-in staff member can always get back to their pages from the site header.
      account: !meta.embedded && Boolean(RequestContexts.current()?.signedIn),
      otherLangs: LANGS.filter((l) => l !== meta.lang).map((l) => ({
        code: l,
        label: l === 'vi' ? 'Tiếng Việt' : 'English',
        href: withLang(meta.path ?? '/', l),
      })),
    });
  }

  private template(name: string): Handlebars.TemplateDelegate {
    let t = this.cache.get(name);
    if (!t) {
      t = this.hbs.compile(fs.readFileSync(path.join(this.dir, `${name}.hbs`), 'utf8'), {
        strict: false,
        knownHelpers: KNOWN_HELPERS,
      });
      this.cache.set(name, t);
    }
    return t;
  }
}

/**
 * `p` (a path with an optional query) with `lang=<lang>` as its only lang parameter. String work,
 * not `new URL`: it runs for every page and keeps the other parameters exactly as they were.
 */
export function withLang(p: string, lang: Lang): string {
  const hash = p.indexOf('#');
  const bare = hash >= 0 ? p.slice(0, hash) : p;
  const q = bare.indexOf('?');
  if (q < 0) {
    return `${bare}?lang=${lang}`;
  }
  const kept = bare
    .slice(q + 1)
    .split('&')
    .filter((kv) => kv !== '' && kv !== 'lang' && !kv.startsWith('lang='));
  kept.push(`lang=${lang}`);
  return `${bare.slice(0, q)}?${kept.join('&')}`;
}

function registerHelpers(hbs: typeof Handlebars): void {
  hbs.registerHelper('t', function (this: unknown, key: string, options: Handlebars.HelperOptions) {
    const root = options.data?.root as { lang?: Lang } | undefined;
    return I18n.t(root?.lang ?? 'vi', key, options.hash as Record<string, string | number>);
  });
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('not', (a: unknown) => !a);
  hbs.registerHelper('and', (a: unknown, b: unknown) => Boolean(a) && Boolean(b));
  hbs.registerHelper('or', (a: unknown, b: unknown) => Boolean(a) || Boolean(b));
  hbs.registerHelper('add', (a: number, b: number) => Number(a) + Number(b));
  hbs.registerHelper('percent', (v: unknown) =>
    typeof v === 'number' ? `${Math.round(v * 10) / 10}%` : '—',
  );
  hbs.registerHelper('date', (v: unknown) =>
    v instanceof Date || typeof v === 'string' ? new Date(v).toISOString().slice(0, 10) : '',
  );
  /** Picks the current language from a `{ vi, en }` object. */
  hbs.registerHelper(
    'l',
    function (this: unknown, value: unknown, options: Handlebars.HelperOptions) {
      const root = options.data?.root as { lang?: Lang } | undefined;
      const v = value as Partial<Record<Lang, string>> | undefined;
      return v?.[root?.lang ?? 'vi'] ?? v?.en ?? '';
    },
  );
}

/**
 * Sends a rendered page: status, `text/html; charset=utf-8`, exact Content-Length, one write.
 * The same bytes as Express's `res.type('html').send(html)` without its per-response content-type
 * lookup, charset re-parse and freshness check (ETags are off, pages are no-store), which a
 * profile of the launch showed at ~2% of the tool's CPU. Headers set before (security headers,
 * Cache-Control, cookies) are kept; Node itself drops the body of a HEAD response.
 */
export function sendHtml(
  res: {
    statusCode: number;
    setHeader(name: string, value: string | number): unknown;
    end(body: Buffer): unknown;
  },
  html: string,
  status = 200,
): void {
  const body = Buffer.from(html, 'utf8');
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Length', body.length);
  res.end(body);
}
