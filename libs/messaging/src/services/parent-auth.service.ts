import { AppConfig, I18n, InjectConfig, Lang, MailService } from '@lib/core';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SmsGateway } from '../channels/sms/sms.gateway';
import {
  ContactEntity,
  MagicLinkEntity,
  ParentEntity,
  ParentSessionEntity,
} from '../entities/parent.entities';
import { MAGIC_LINK_MINUTES, PARENT_SESSION_DAYS } from '../messaging.constants';
import { MessagingErrorCode, MessagingException } from '../messaging.exception';
import { maskContact, parseSignInId } from '../util/contact.util';
import { MessagingAuditService } from './audit.service';
import { MailTemplatesService } from './mail-templates.service';
import { ParentsService } from './parents.service';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * Parents sign in without a password: a single-use link (30 minutes) to a verified-or-not
 * contact; using it verifies that contact and opens a 30-day session (cookie; only its hash
 * is stored). Demo links exist only while DEMO_SEED is on.
 */
@Injectable()
export class ParentAuthService {
  private readonly logger = new Logger(ParentAuthService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mail: MailService,
    private readonly sms: SmsGateway,
    private readonly templates: MailTemplatesService,
    private readonly audit: MessagingAuditService,
    private readonly parents: ParentsService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * Sends a sign-in link to the contact typed on the form, if it belongs to a parent. The
   * caller shows the same answer either way (no account enumeration); `sentTo` is for logs/tests.
   */
  async requestLink(input: string, lang: Lang): Promise<{ sentTo?: string }> {
    const id = parseSignInId(input);
    if (!id) {
      throw new MessagingException(MessagingErrorCode.CONTACT_INVALID, 'Not an e-mail or phone.');
    }
    const contacts = await this.dataSource.getRepository(ContactEntity).find({
      where: { valueIndex: this.parents.indexOf(id.kind, id.value) },
    });
    const contact =
      contacts.find((c) => c.kind === id.kind) ?? contacts.find((c) => c.kind === 'zalo');
    if (!contact) {
      return {};
    }
    const parent = await this.dataSource
      .getRepository(ParentEntity)
      .findOne({ where: { id: contact.parentId, status: 'active' } });
    if (!parent) {
      return {};
    }
    const token = await this.createLink(parent.id, contact.id);
    await this.deliverLink(contact, id.value, token, lang);
    return { sentTo: maskContact(contact.kind, id.value) };
  }

  /** Sends a link to a contact just given (join form), so that using it verifies it. */
  async sendVerification(
    parentId: string,
    contactId: string,
    value: string,
    lang: Lang,
  ): Promise<void> {
    const contact = await this.dataSource
      .getRepository(ContactEntity)
      .findOneByOrFail({ id: contactId, parentId });
    const token = await this.createLink(parentId, contactId);
    await this.deliverLink(contact, value, token, lang);
  }

  private magicUrl(token: string): string {
    return `${this.config.publicUrl}/parents/magic?token=${encodeURIComponent(token)}`;
  }

  private async deliverLink(
    contact: ContactEntity,
    value: string,
    token: string,
    lang: Lang,
  ): Promise<void> {
    const link = this.magicUrl(token);
    if (contact.kind === 'email') {
      const subject = I18n.t(lang, 'messaging.mail.magicSubject');
      const rendered = this.templates.render(
        'magic_link',
        lang,
        subject,
        { link, minutes: MAGIC_LINK_MINUTES },
        {
          schoolName: 'SafeNest',
          urgent: false,
          inboxUrl: `${this.config.publicUrl}/parents/inbox`,
          settingsUrl: `${this.config.publicUrl}/parents/settings`,
        },
      );
      await this.mail.send({
        to: value,
        subject,
        text: rendered.text,
        html: rendered.html,
        messageId: `<magic-${sha256(token).slice(0, 24)}@safenest>`,
      });
    } else {
      if (!this.sms.enabled) {
        throw new MessagingException(MessagingErrorCode.CHANNEL_UNAVAILABLE, 'SMS not configured.');
      }
      const res = await this.sms.send({
        to: value,
        text: I18n.t(lang, 'messaging.sms.magic', { link, minutes: MAGIC_LINK_MINUTES }),
        reference: sha256(token).slice(0, 32),
      });
      if (!res.ok) {
        this.logger.warn({ msg: 'sign-in SMS not sent', contactId: contact.id, error: res.error });
      }
    }
    this.logger.log({
      msg: 'sign-in link sent',
      parentId: contact.parentId,
      contactId: contact.id,
    });
  }

  async createLink(
    parentId: string,
    contactId: string,
    options: { demo?: boolean; token?: string } = {},
  ): Promise<string> {
    const token = options.token ?? randomBytes(32).toString('base64url');
    const repo = this.dataSource.getRepository(MagicLinkEntity);
    const tokenHash = sha256(token);
    if (!(await repo.findOne({ where: { tokenHash } }))) {
      await repo.insert({
        tokenHash,
        parentId,
        contactId,
        expiresAt: options.demo
          ? new Date('2100-01-01T00:00:00Z')
          : new Date(Date.now() + MAGIC_LINK_MINUTES * 60_000),
        usedAt: null,
        demo: Boolean(options.demo),
      });
    }
    return token;
  }

  /** A stable token for demo parent `n` (shown on the sign-in page while the demo is on). */
  demoToken(n: number): string {
    return createHmac('sha256', this.config.appSecret)
      .update(`demo-parent-${n}`)
      .digest('base64url');
  }

  get demoEnabled(): boolean {
    return this.config.demoSeed && !this.config.isProduction;
  }

  /** Uses a link: marks it used (demo links stay), verifies its contact, opens a session. */
  async consume(token: string): Promise<{ parentId: string; sessionToken: string }> {
    const repo = this.dataSource.getRepository(MagicLinkEntity);
    const link = await repo.findOne({ where: { tokenHash: sha256(token) } });
    const invalid = (): MessagingException =>
      new MessagingException(MessagingErrorCode.MAGIC_LINK_INVALID, 'Link not valid.');
    if (!link || link.expiresAt.getTime() < Date.now()) {
      throw invalid();
    }
    if (link.demo) {
      if (!this.demoEnabled) {
        throw invalid();
      }
    } else {
      const res = await repo
        .createQueryBuilder()
        .update()
        .set({ usedAt: new Date() })
        .where('token_hash = :h AND used_at IS NULL', { h: link.tokenHash })
        .execute();
      if (!res.affected) {
        throw invalid();
      }
    }
    const parent = await this.dataSource
      .getRepository(ParentEntity)
      .findOne({ where: { id: link.parentId, status: 'active' } });
    if (!parent) {
      throw invalid();
    }
    await this.dataSource
      .getRepository(ContactEntity)
      .createQueryBuilder()
      .update()
      .set({ verifiedAt: new Date() })
      .where('id = :id AND verified_at IS NULL', { id: link.contactId })
      .execute();
    const sessionToken = await this.openSession(parent.id);
    await this.audit.record({ type: 'parent', id: parent.id }, 'signed_in', {
      parentId: parent.id,
      subjectId: link.contactId,
      details: { demo: link.demo },
    });
    return { parentId: parent.id, sessionToken };
  }

  async openSession(parentId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.dataSource.getRepository(ParentSessionEntity).insert({
      tokenHash: sha256(token),
      parentId,
      expiresAt: new Date(Date.now() + PARENT_SESSION_DAYS * 86_400_000),
    });
    return token;
  }

  async parentFor(token: string | undefined): Promise<ParentEntity | null> {
    if (!token || token.length > 100) {
      return null;
    }
    const s = await this.dataSource
      .getRepository(ParentSessionEntity)
      .findOne({ where: { tokenHash: sha256(token) } });
    if (!s || s.expiresAt.getTime() < Date.now()) {
      return null;
    }
    return this.dataSource
      .getRepository(ParentEntity)
      .findOne({ where: { id: s.parentId, status: 'active' } });
  }

  async logout(token: string): Promise<void> {
    await this.dataSource.getRepository(ParentSessionEntity).delete({ tokenHash: sha256(token) });
  }

  get sessionMaxAgeMs(): number {
    return PARENT_SESSION_DAYS * 86_400_000;
  }
}
