import {
  AppConfig,
  CsrfGuard,
  CsrfService,
  DomainException,
  I18n,
  InjectConfig,
  Lang,
  RateLimit,
} from '@lib/core';
import {
  CONSENT_PURPOSES,
  CONSENT_TEXTS,
  ConsentService,
  CurrentParent,
  InboxService,
  JoinService,
  loadParent,
  MessagingErrorCode,
  MessagingException,
  PARENT_SESSION_COOKIE,
  ParentAuthService,
  ParentEntity,
  ParentSessionGuard,
  ParentsService,
  ThreadsService,
} from '@lib/messaging';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  checked,
  formatDateTime,
  messagingViews as views,
  meta,
  parentLang,
  safeNext,
  str,
} from './messaging-web.util';
import './messaging-web.messages';

type Form = Record<string, string | undefined>;

/**
 * The parent portal: join with an invite code, sign in by magic link, the inbox (read
 * receipts), threads with the teacher (reply, mute, report), settings (how, where and in which
 * language messages come; contacts; consent per child and purpose), data download and erasure.
 */
@Controller('parents')
export class ParentPortalController {
  constructor(
    private readonly join: JoinService,
    private readonly auth: ParentAuthService,
    private readonly parents: ParentsService,
    private readonly consent: ConsentService,
    private readonly inbox: InboxService,
    private readonly threads: ThreadsService,
    private readonly csrf: CsrfService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  private setSession(res: Response, token: string): void {
    res.cookie(PARENT_SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.secureCookies,
      maxAge: this.auth.sessionMaxAgeMs,
      path: '/',
    });
  }

  @Get()
  async home(@Req() req: Request, @Res() res: Response): Promise<void> {
    const parent = await loadParent(req, this.auth);
    res.redirect(303, parent ? '/parents/inbox' : '/parents/sign-in');
  }

  // ---- join --------------------------------------------------------------------------------

  @Get('join')
  async joinPage(
    @Req() req: Request,
    @Res() res: Response,
    @Query('code') code?: string,
  ): Promise<void> {
    const parent = await loadParent(req, this.auth);
    const lang = parentLang(req, parent);
    this.renderJoin(req, res, lang, parent, { code: str(code) });
  }

  private renderJoin(
    req: Request,
    res: Response,
    lang: Lang,
    parent: ParentEntity | null,
    form: Form,
    error?: string,
  ): void {
    res
      .status(error ? 400 : 200)
      .type('html')
      .send(
        views.page('parent-join', meta(req, lang, I18n.t(lang, 'msgweb.join.title')), {
          csrf: this.csrf.token(req, res),
          signedIn: Boolean(parent),
          form,
          error,
          consentMessages: CONSENT_TEXTS.messages[lang],
          consentProgress: CONSENT_TEXTS.progress[lang],
          smsEnabled: Boolean(this.config.messaging.smsGatewayUrl),
          zaloEnabled: Boolean(this.config.messaging.zaloAccessToken),
        }),
      );
  }

  @Post('join')
  @UseGuards(CsrfGuard)
  @RateLimit({ name: 'parent-join', points: 10, durationSeconds: 60 })
  async doJoin(@Req() req: Request, @Res() res: Response, @Body() body: Form): Promise<void> {
    const parent = await loadParent(req, this.auth);
    const lang: Lang =
      body.language === 'en' ? 'en' : body.language === 'vi' ? 'vi' : parentLang(req, parent);
    try {
      const result = await this.join.join(
        {
          code: str(body.code),
          name: str(body.name),
          email: str(body.email),
          phone: str(body.phone),
          zalo: str(body.zalo),
          relation: (['mother', 'father', 'guardian', 'other'] as const).find(
            (r) => r === body.relation,
          ),
          lang,
          channel: (['email', 'sms', 'zalo', 'inbox'] as const).find((c) => c === body.channel),
          consentMessages: checked(body.consent_messages),
          consentProgress: checked(body.consent_progress),
        },
        parent?.id,
      );
      if (result.sessionToken) {
        this.setSession(res, result.sessionToken);
      }
      res.redirect(
        303,
        `/parents/inbox?joined=1${result.verifyKind ? `&verify=${result.verifyKind}` : ''}`,
      );
    } catch (err) {
      if (!(err instanceof DomainException)) {
        throw err;
      }
      const { email, phone, zalo, name, code, relation, channel } = body;
      this.renderJoin(
        req,
        res,
        lang,
        parent,
        { email, phone, zalo, name, code, relation, channel },
        I18n.t(lang, `errors.${err.code}`),
      );
    }
  }

  // ---- sign-in -----------------------------------------------------------------------------

  @Get('sign-in')
  signInPage(@Req() req: Request, @Res() res: Response, @Query('next') next?: string): void {
    const lang = parentLang(req);
    res.type('html').send(
      views.page('parent-sign-in', meta(req, lang, I18n.t(lang, 'msgweb.signIn.title')), {
        csrf: this.csrf.token(req, res),
        next: safeNext(next),
        demo: this.auth.demoEnabled
          ? [1, 2, 3].map((n) => ({ n, href: `/parents/magic?token=${this.auth.demoToken(n)}` }))
          : undefined,
      }),
    );
  }

  @Post('sign-in')
  @UseGuards(CsrfGuard)
  @RateLimit({ name: 'parent-sign-in', points: 5, durationSeconds: 60 })
  async requestLink(@Req() req: Request, @Res() res: Response, @Body() body: Form): Promise<void> {
    const lang = parentLang(req);
    try {
      await this.auth.requestLink(str(body.contact), lang);
    } catch (err) {
      if (!(err instanceof MessagingException) || err.code !== MessagingErrorCode.CONTACT_INVALID) {
        throw err;
      }
      res
        .status(400)
        .type('html')
        .send(
          views.page('parent-sign-in', meta(req, lang, I18n.t(lang, 'msgweb.signIn.title')), {
            csrf: this.csrf.token(req, res),
            contact: body.contact,
            error: I18n.t(lang, 'errors.CONTACT_INVALID'),
          }),
        );
      return;
    }
    res
      .status(200)
      .type('html')
      .send(views.page('parent-check', meta(req, lang, I18n.t(lang, 'msgweb.check.title')), {}));
  }

  /** The link from the e-mail/SMS shows a button: link scanners that follow GETs cannot use it up. */
  @Get('magic')
  magicPage(
    @Req() req: Request,
    @Res() res: Response,
    @Query('token') token?: string,
    @Query('next') next?: string,
  ): void {
    const lang = parentLang(req);
    res.type('html').send(
      views.page('parent-magic', meta(req, lang, I18n.t(lang, 'msgweb.magic.title')), {
        csrf: this.csrf.token(req, res),
        token: str(token),
        next: safeNext(next),
      }),
    );
  }

  @Post('magic')
  @UseGuards(CsrfGuard)
  @RateLimit({ name: 'parent-magic', points: 20, durationSeconds: 60 })
  async useMagic(@Req() req: Request, @Res() res: Response, @Body() body: Form): Promise<void> {
    const { sessionToken } = await this.auth.consume(str(body.token));
    this.setSession(res, sessionToken);
    res.redirect(303, safeNext(body.next) ?? '/parents/inbox');
  }

  @Post('sign-out')
  @UseGuards(CsrfGuard)
  async signOut(@Req() req: Request, @Res() res: Response): Promise<void> {
    const token = (req.cookies as Record<string, string>)?.[PARENT_SESSION_COOKIE];
    if (token) {
      await this.auth.logout(token);
    }
    res.clearCookie(PARENT_SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/parents/sign-in');
  }

  // ---- inbox -------------------------------------------------------------------------------

  @Get('inbox')
  @UseGuards(ParentSessionGuard)
  async inboxPage(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentParent() parent: ParentEntity,
    @Query('joined') joined?: string,
    @Query('verify') verify?: string,
  ): Promise<void> {
    const lang = parentLang(req, parent);
    const [items, threads, contacts] = await Promise.all([
      this.inbox.list(parent.id, lang),
      this.threads.forParentList(parent.id),
      this.parents.contacts(parent.id),
    ]);
    res.type('html').send(
      views.page('parent-inbox', meta(req, lang, I18n.t(lang, 'msgweb.inbox.title')), {
        csrf: this.csrf.token(req, res),
        joined: joined === '1',
        verify: verify === 'email' || verify === 'phone' || verify === 'zalo' ? verify : undefined,
        unverified: contacts.some((c) => !c.verified),
        items: items.map((i) => ({ ...i, when: formatDateTime(i.createdAt, lang) })),
        threads: threads.map((t) => ({ ...t, when: formatDateTime(t.lastPostAt, lang) })),
      }),
    );
  }

  @Get('m/:id')
  @UseGuards(ParentSessionGuard)
  async message(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentParent() parent: ParentEntity,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    const lang = parentLang(req, parent);
    const { item, html } = await this.inbox.open(parent.id, id, lang);
    res.type('html').send(
      views.page('parent-message', meta(req, lang, item.title), {
        item: { ...item, when: formatDateTime(item.createdAt, lang) },
        html,
      }),
    );
  }

  // ---- threads -----------------------------------------------------------------------------

  @Get('threads/:id')
  @UseGuards(ParentSessionGuard)
  async thread(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentParent() parent: ParentEntity,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    const lang = parentLang(req, parent);
    const thread = await this.threads.forParent(id, parent.id);
    const [posts, state] = await Promise.all([
      this.threads.posts(id),
      this.threads.state(id, parent.id),
    ]);
    await this.threads.markRead(id, parent.id);
    res.type('html').send(
      views.page('parent-thread', meta(req, lang, thread.subject), {
        csrf: this.csrf.token(req, res),
        thread,
        muted: Boolean(state?.mutedAt),
        posts: posts.map((p) => ({
          ...p,
          mine: p.authorType === 'parent' && p.authorId === parent.id,
          teacher: p.authorType === 'teacher',
          when: formatDateTime(p.createdAt, lang),
        })),
        reported: req.query.reported === '1',
      }),
    );
  }

  @Post('threads/:id/reply')
  @UseGuards(ParentSessionGuard, CsrfGuard)
  async reply(
    @Res() res: Response,
    @CurrentParent() parent: ParentEntity,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: Form,
  ): Promise<void> {
    const thread = await this.threads.forParent(id, parent.id);
    await this.threads.postAsParent(thread, parent.id, str(body.body));
    res.redirect(303, `/parents/threads/${id}#latest`);
  }

  @Post('threads/:id/mute')
  @UseGuards(ParentSessionGuard, CsrfGuard)
  async mute(
    @Res() res: Response,
    @CurrentParent() parent: ParentEntity,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: Form,
  ): Promise<void> {
    await this.threads.forParent(id, parent.id);
    await this.threads.setMuted(id, parent.id, body.muted !== 'false');
    res.redirect(303, `/parents/threads/${id}`);
  }

  @Post('threads/:id/report')
  @UseGuards(ParentSessionGuard, CsrfGuard)
  async report(
    @Res() res: Response,
    @CurrentParent() parent: ParentEntity,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: Form,
  ): Promise<void> {
    const thread = await this.threads.forParent(id, parent.id);
    const reason =
      (['inappropriate', 'harassment', 'spam', 'other'] as const).find((r) => r === body.reason) ??
      'other';
    await this.threads.report(thread, parent.id, reason);
    res.redirect(303, `/parents/threads/${id}?reported=1`);
  }

  // ---- settings, consent, data rights ------------------------------------------------------

  @Get('settings')
  @UseGuards(ParentSessionGuard)
  async settings(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentParent() parent: ParentEntity,
  ): Promise<void> {
    const lang = parentLang(req, parent);
    const [contacts, children, consents] = await Promise.all([
      this.parents.contacts(parent.id),
      this.parents.children(parent.id),
      this.consent.current(parent.id),
    ]);
    res.type('html').send(
      views.page('parent-settings', meta(req, lang, I18n.t(lang, 'msgweb.settings.title')), {
        csrf: this.csrf.token(req, res),
        parent: { ...parent, name: this.parents.nameOf(parent) },
        saved: req.query.saved === '1',
        email: contacts.find((c) => c.kind === 'email'),
        phone: contacts.find((c) => c.kind === 'phone'),
        zalo: contacts.find((c) => c.kind === 'zalo'),
        smsEnabled: Boolean(this.config.messaging.smsGatewayUrl),
        zaloEnabled: Boolean(this.config.messaging.zaloAccessToken),
        hours: Array.from({ length: 24 }, (_, h) => ({ h, selected: h === parent.digestHour })),
        children: children.map((c) => ({
          ...c,
          purposes: CONSENT_PURPOSES.map((p) => ({
            purpose: p,
            text: CONSENT_TEXTS[p][lang],
            given: consents.some((x) => x.studentId === c.studentId && x.purpose === p),
            since: formatDateTime(
              consents.find((x) => x.studentId === c.studentId && x.purpose === p)?.grantedAt,
              lang,
            ),
          })),
        })),
      }),
    );
  }

  @Post('settings/preferences')
  @UseGuards(ParentSessionGuard, CsrfGuard)
  async savePreferences(
    @Res() res: Response,
    @CurrentParent() parent: ParentEntity,
    @Body() body: Form,
  ): Promise<void> {
    const actor = { type: 'parent' as const, id: parent.id };
    await this.parents.updatePreferences(
      parent.id,
      {
        mode: (['instant', 'digest', 'off'] as const).find((m) => m === body.mode),
        channel: (['email', 'sms', 'zalo', 'inbox'] as const).find((c) => c === body.channel),
        lang: body.language === 'en' ? 'en' : body.language === 'vi' ? 'vi' : undefined,
        digestHour: body.digest_hour !== undefined ? Number(body.digest_hour) : undefined,
      },
      actor,
    );
    if (body.name !== undefined && body.name.trim() !== this.parents.nameOf(parent)) {
      await this.parents.setName(parent.id, body.name, actor);
    }
    res.redirect(303, '/parents/settings?saved=1');
  }

  @Post('settings/contacts')
  @UseGuards(ParentSessionGuard, CsrfGuard)
  async saveContact(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentParent() parent: ParentEntity,
    @Body() body: Form,
  ): Promise<void> {
    const kind = (['email', 'phone', 'zalo'] as const).find((k) => k === body.kind);
    if (!kind) {
      throw new MessagingException(MessagingErrorCode.CONTACT_INVALID, 'Unknown kind.');
    }
    const actor = { type: 'parent' as const, id: parent.id };
    if (!str(body.value).trim()) {
      await this.parents.removeContact(parent.id, kind, actor);
    } else {
      const c = await this.parents.setContact(parent.id, kind, str(body.value), actor);
      if (!c.verifiedAt && kind !== 'zalo') {
        await this.auth.sendVerification(
          parent.id,
          c.id,
          this.parents.contactValue(c),
          parentLang(req, parent),
        );
      }
    }
    res.redirect(303, '/parents/settings?saved=1');
  }

  @Post('settings/consent')
  @UseGuards(ParentSessionGuard, CsrfGuard)
  async saveConsent(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentParent() parent: ParentEntity,
    @Body() body: Form,
  ): Promise<void> {
    const purpose = CONSENT_PURPOSES.find((p) => p === body.purpose);
    const link = (await this.parents.links(parent.id)).find((l) => l.studentId === body.student);
    if (!purpose || !link) {
      throw new MessagingException(
        MessagingErrorCode.PARENT_NOT_FOUND,
        'Unknown child or purpose.',
      );
    }
    const actor = { type: 'parent' as const, id: parent.id };
    if (body.action === 'grant') {
      await this.consent.grant(
        {
          parentId: parent.id,
          studentId: link.studentId,
          purpose,
          via: 'web',
          lang: parentLang(req, parent),
          recordedBy: parent.id,
        },
        actor,
      );
    } else {
      await this.consent.withdraw(parent.id, link.studentId, purpose, actor);
    }
    res.redirect(303, '/parents/settings?saved=1#children');
  }

  @Get('settings/data.json')
  @UseGuards(ParentSessionGuard)
  async download(@Res() res: Response, @CurrentParent() parent: ParentEntity): Promise<void> {
    const data = await this.inbox.exportData(parent.id);
    res
      .type('application/json')
      .setHeader('Content-Disposition', 'attachment; filename="safenest-my-data.json"')
      .send(JSON.stringify(data, null, 2));
  }

  @Get('settings/erase')
  @UseGuards(ParentSessionGuard)
  erasePage(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentParent() parent: ParentEntity,
  ): void {
    const lang = parentLang(req, parent);
    res.type('html').send(
      views.page('parent-erase', meta(req, lang, I18n.t(lang, 'msgweb.erase.title')), {
        csrf: this.csrf.token(req, res),
      }),
    );
  }

  @Post('settings/erase')
  @UseGuards(ParentSessionGuard, CsrfGuard)
  async erase(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentParent() parent: ParentEntity,
    @Body() body: Form,
  ): Promise<void> {
    const lang = parentLang(req, parent);
    if (!checked(body.confirm)) {
      res.redirect(303, '/parents/settings/erase');
      return;
    }
    await this.parents.erase(parent.id, { type: 'parent', id: parent.id });
    res.clearCookie(PARENT_SESSION_COOKIE, { path: '/' });
    res
      .status(200)
      .type('html')
      .send(views.page('parent-erased', meta(req, lang, I18n.t(lang, 'msgweb.erased.title')), {}));
  }

  // ---- one-click unsubscribe (RFC 8058) ----------------------------------------------------

  @Get('unsubscribe')
  unsubscribePage(
    @Req() req: Request,
    @Res() res: Response,
    @Query('r') r?: string,
    @Query('s') s?: string,
  ): void {
    const lang = parentLang(req);
    res.type('html').send(
      views.page('parent-unsubscribe', meta(req, lang, I18n.t(lang, 'msgweb.unsub.title')), {
        r: str(r),
        s: str(s),
      }),
    );
  }

  /** Mail clients post here without cookies (one-click); the signature is the authority. */
  @Post('unsubscribe')
  @HttpCode(200)
  async unsubscribe(
    @Req() req: Request,
    @Res() res: Response,
    @Query() q: Form,
    @Body() body: Form,
  ): Promise<void> {
    const lang = parentLang(req);
    const r = str(q.r ?? body.r);
    const ok = /^[0-9a-f-]{36}$/i.test(r) && (await this.inbox.unsubscribe(r, str(q.s ?? body.s)));
    res
      .status(ok ? 200 : 400)
      .type('html')
      .send(
        views.page('parent-unsubscribe', meta(req, lang, I18n.t(lang, 'msgweb.unsub.title')), {
          done: ok,
          failed: !ok,
        }),
      );
  }
}
