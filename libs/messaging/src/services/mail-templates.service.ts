import { findAppRoot, I18n, Lang, LANGS } from '@lib/core';
import { Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MessageKind } from '../entities/message.entities';

const DIR = path.join(findAppRoot(), 'libs/messaging/src/mail-templates');

const asText = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';

export type MailTemplateName = MessageKind | 'magic_link';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  /** The content without the e-mail layout, for the parent inbox page. */
  contentHtml: string;
}

/**
 * E-mail templates: a layout and partials per language (`mail-templates/<lang>/`) around one
 * content template per kind (`content/<kind>.{html,text}.hbs`, wording from I18n). The HTML
 * instance escapes everything (`{{x}}`); `{{{x}}}` is only used for HTML this code produced
 * (the rendered content, the curriculum's safe Markdown). The text instance does not escape.
 */
@Injectable()
export class MailTemplatesService {
  private readonly html = Handlebars.create();
  private readonly text = Handlebars.create();
  private readonly cache = new Map<string, Handlebars.TemplateDelegate>();

  constructor() {
    for (const hbs of [this.html, this.text]) {
      hbs.registerHelper(
        't',
        function (this: unknown, key: string, options: Handlebars.HelperOptions) {
          const root = options.data?.root as { lang?: Lang } | undefined;
          return I18n.t(root?.lang ?? 'vi', key, options.hash as Record<string, string | number>);
        },
      );
    }
    this.html.registerHelper('paragraphs', (value: unknown) => {
      const escaped = Handlebars.escapeExpression(asText(value));
      const html = escaped
        .split(/\r?\n\s*\r?\n/)
        .filter((p) => p.trim())
        .map((p) => `<p style="margin:0 0 12px;">${p.replace(/\r?\n/g, '<br>')}</p>`)
        .join('');
      return new Handlebars.SafeString(html);
    });
    this.text.registerHelper('paragraphs', (value: unknown) => asText(value));
    for (const lang of LANGS) {
      for (const format of ['html', 'text'] as const) {
        const file = path.join(DIR, lang, 'partials', `footer.${format}.hbs`);
        (format === 'html' ? this.html : this.text).registerPartial(
          `${lang}/footer`,
          fs.readFileSync(file, 'utf8'),
        );
      }
    }
  }

  private template(format: 'html' | 'text', file: string): Handlebars.TemplateDelegate {
    const key = `${format}:${file}`;
    let t = this.cache.get(key);
    if (!t) {
      const source = fs.readFileSync(path.join(DIR, file), 'utf8');
      t =
        format === 'html'
          ? this.html.compile(source, { strict: false })
          : this.text.compile(source, { strict: false, noEscape: true });
      this.cache.set(key, t);
    }
    return t;
  }

  /**
   * Renders `name` in `lang`. `data` holds the content's fields; `frame` the layout's
   * (schoolName, urgent, inboxUrl, settingsUrl).
   */
  render(
    name: MailTemplateName,
    lang: Lang,
    subject: string,
    data: Record<string, unknown>,
    frame: { schoolName: string; urgent: boolean; inboxUrl: string; settingsUrl: string },
  ): RenderedMail {
    const ctx = { ...frame, ...data, subject, lang };
    const htmlContent = this.template('html', `content/${name}.html.hbs`)(ctx);
    const textContent = this.template('text', `content/${name}.text.hbs`)(ctx);
    return {
      subject,
      contentHtml: htmlContent,
      html: this.template('html', `${lang}/layout.html.hbs`)({ ...ctx, content: htmlContent }),
      text: this.template(
        'text',
        `${lang}/layout.text.hbs`,
      )({ ...ctx, content: textContent })
        .replace(/\n{3,}/g, '\n\n')
        .trim(),
    };
  }
}
