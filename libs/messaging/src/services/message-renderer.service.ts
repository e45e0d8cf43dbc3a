import { AppConfig, FieldEncryptionService, I18n, InjectConfig, Lang } from '@lib/core';
import { OrgsService } from '@lib/orgs';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac } from 'node:crypto';
import { DataSource, In } from 'typeorm';
import { MessageEntity } from '../entities/message.entities';
import { ThreadEntity, ThreadPostEntity } from '../entities/thread.entities';
import { LmsAdapter } from '../ports/lms.adapter';
import { addressOf, buildSharedBody, SharedBody } from '../util/mime.util';
import { MailTemplatesService, RenderedMail } from './mail-templates.service';

/** A message ready to send in one language: the e-mail body (encoded once), SMS and Zalo texts. */
export interface PreparedContent {
  mail: RenderedMail;
  shared: SharedBody;
  sms: string;
  zalo: Record<string, string>;
  title: string;
}

export interface PreparedMessage {
  message: MessageEntity;
  schoolName: string;
  content(lang: Lang): PreparedContent;
}

const CACHE = 32;

/**
 * Turns a message into what each channel sends, per language, once per message (a broadcast's
 * batches share it). Per-recipient parts are only headers: Message-ID and one-click unsubscribe.
 */
@Injectable()
export class MessageRendererService {
  private readonly cache = new Map<string, PreparedMessage>();
  private readonly domain: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly templates: MailTemplatesService,
    private readonly orgs: OrgsService,
    private readonly crypto: FieldEncryptionService,
    private readonly lms: LmsAdapter,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.domain = addressOf(config.mailFrom).split('@')[1] ?? 'safenest.local';
  }

  /** Stable Message-ID of one recipient's e-mail: a retry carries the same one. */
  messageIdFor(recipientId: string): string {
    return `<${recipientId}@${this.domain}>`;
  }

  unsubscribeUrl(recipientId: string): string {
    const sig = createHmac('sha256', this.config.appSecret)
      .update(`msg-unsub:${recipientId}`)
      .digest('base64url')
      .slice(0, 22);
    return `${this.config.publicUrl}/parents/unsubscribe?r=${recipientId}&s=${sig}`;
  }

  checkUnsubscribe(recipientId: string, sig: string): boolean {
    const url = new URL(this.unsubscribeUrl(recipientId));
    return url.searchParams.get('s') === sig;
  }

  /** `cache: false` for previews of messages that are not saved. */
  async prepare(message: MessageEntity, cache = true): Promise<PreparedMessage> {
    const hit = cache ? this.cache.get(message.id) : undefined;
    if (hit) {
      return hit;
    }
    const schoolName =
      (await this.orgs.getById(message.schoolOrgNodeId).catch(() => null))?.name ?? 'SafeNest';
    const extra = await this.loadExtras(message);
    const byLang = new Map<Lang, PreparedContent>();
    const prepared: PreparedMessage = {
      message,
      schoolName,
      content: (lang: Lang) => {
        let c = byLang.get(lang);
        if (!c) {
          c = this.renderFor(message, lang, schoolName, extra);
          byLang.set(lang, c);
        }
        return c;
      },
    };
    if (cache) {
      if (this.cache.size >= CACHE) {
        this.cache.delete(this.cache.keys().next().value!);
      }
      this.cache.set(message.id, prepared);
    }
    return prepared;
  }

  private async loadExtras(message: MessageEntity): Promise<Extras> {
    const extras: Extras = {};
    const data = message.data ?? {};
    if (message.kind === 'thread_post' && message.threadId) {
      const thread = await this.dataSource
        .getRepository(ThreadEntity)
        .findOne({ where: { id: message.threadId } });
      const post = data.postId
        ? await this.dataSource
            .getRepository(ThreadPostEntity)
            .findOne({ where: { id: String(data.postId) } })
        : null;
      extras.thread = thread ?? undefined;
      extras.postBody =
        post && !post.erasedAt ? this.crypto.decrypt(post.bodyEncrypted, post.id) : '';
    }
    if (message.kind === 'daily_digest') {
      const ids = data.messageIds ?? [];
      const msgs = ids.length
        ? await this.dataSource.getRepository(MessageEntity).find({ where: { id: In(ids) } })
        : [];
      extras.digest = [];
      for (const m of msgs.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
        const sub = await this.loadExtras(m);
        const school = (await this.orgs.getById(m.schoolOrgNodeId).catch(() => null))?.name ?? '';
        extras.digest.push({ message: m, extras: sub, school });
      }
    }
    return extras;
  }

  /** Title and plain text of a message in a language (also used by the inbox pages). */
  titleAndText(
    message: MessageEntity,
    lang: Lang,
    extras: Extras = {},
  ): { title: string; text: string } {
    const data = message.data ?? {};
    switch (message.kind) {
      case 'announcement': {
        const other: Lang = lang === 'vi' ? 'en' : 'vi';
        const pick = (l: Lang): { s: string | null; b: string | null } =>
          l === 'vi'
            ? { s: message.subjectVi, b: message.bodyVi }
            : { s: message.subjectEn, b: message.bodyEn };
        const p = pick(lang).s ? pick(lang) : pick(other);
        return { title: p.s ?? '', text: p.b ?? '' };
      }
      case 'thread_post':
        return {
          title: I18n.t(lang, 'messaging.mail.threadSubject', {
            name: message.authorName,
            subject: extras.thread?.subject ?? '',
          }),
          text: extras.postBody ?? '',
        };
      case 'family_note': {
        const module = this.lms.module(String(data.moduleId ?? ''));
        return {
          title: I18n.t(lang, 'messaging.mail.familyNoteSubject', {
            title: module?.title[lang] ?? String(data.moduleId ?? ''),
          }),
          text: module?.familyNote[lang] ?? '',
        };
      }
      case 'progress_digest':
        return { title: I18n.t(lang, 'messaging.mail.progressSubject'), text: '' };
      case 'daily_digest':
        return {
          title: I18n.t(lang, 'messaging.mail.digestSubject', {
            count: (data.messageIds ?? []).length,
          }),
          text: '',
        };
    }
  }

  private renderFor(
    message: MessageEntity,
    lang: Lang,
    schoolName: string,
    extras: Extras,
  ): PreparedContent {
    const base = this.config.publicUrl;
    const frame = {
      schoolName,
      urgent: message.urgent,
      inboxUrl: `${base}/parents/inbox`,
      settingsUrl: `${base}/parents/settings`,
    };
    const { title, text } = this.titleAndText(message, lang, extras);
    const data = message.data ?? {};
    let mail: RenderedMail;
    switch (message.kind) {
      case 'announcement':
        mail = this.templates.render(
          'announcement',
          lang,
          title,
          { body: text, author: message.authorName || schoolName },
          frame,
        );
        break;
      case 'thread_post':
        mail = this.templates.render(
          'thread_post',
          lang,
          title,
          {
            body: text,
            author: message.authorName,
            threadSubject: extras.thread?.subject ?? '',
            threadUrl: `${base}/parents/threads/${message.threadId}`,
          },
          frame,
        );
        break;
      case 'family_note': {
        const moduleId = String(data.moduleId ?? '');
        const module = this.lms.module(moduleId);
        const noteHtml = module
          ? (this.lms.catalog?.renderFamilyNote(moduleId, lang).html ?? '')
          : '';
        mail = this.templates.render(
          'family_note',
          lang,
          title,
          { moduleTitle: module?.title[lang] ?? moduleId, noteHtml, noteText: text },
          frame,
        );
        break;
      }
      case 'progress_digest': {
        const items = (data.items ?? []).map((i) => {
          const module = this.lms.module(i.moduleId);
          return {
            title: module?.title[lang] ?? i.moduleId,
            summary: module?.summary[lang] ?? '',
            question: module?.essentialQuestion[lang] ?? '',
            score: Math.round(i.scorePercent),
            passed: i.passed,
          };
        });
        mail = this.templates.render(
          'progress_digest',
          lang,
          title,
          { items, week: String(data.week ?? '') },
          frame,
        );
        break;
      }
      case 'daily_digest': {
        const items = (extras.digest ?? []).map((d) => {
          const tt = this.titleAndText(d.message, lang, d.extras);
          return {
            title: tt.title,
            school: d.school,
            author: d.message.authorName,
            excerpt: tt.text.length > 600 ? `${tt.text.slice(0, 600)}…` : tt.text,
          };
        });
        mail = this.templates.render('daily_digest', lang, title, { items }, frame);
        break;
      }
    }
    const link = `${base}/parents/inbox`;
    return {
      mail,
      shared: buildSharedBody(mail.text, mail.html),
      title,
      sms: I18n.t(lang, message.urgent ? 'messaging.sms.urgent' : 'messaging.sms.notice', {
        school: schoolName,
        title: title.slice(0, 80),
        link,
      }),
      zalo: { school_name: schoolName.slice(0, 100), title: title.slice(0, 100), link },
    };
  }
}

export interface ProgressItem {
  moduleId: string;
  scorePercent: number;
  passed: boolean;
}

export interface Extras {
  thread?: ThreadEntity;
  postBody?: string;
  digest?: { message: MessageEntity; extras: Extras; school: string }[];
}
