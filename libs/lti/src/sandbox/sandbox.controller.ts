import { I18n, negotiateLang } from '@lib/core';
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { ltiViews } from '../launch/lti-exception.filter';
import { SCOPE } from '../lti.constants';
import { SandboxError, SandboxService, SandboxUser } from './sandbox.service';
import './sandbox.messages';

const PAGE_SIZE = 5;
/** Name of the sandbox LMS's platform-storage frame (its `lti_storage_target`). */
const STORAGE_FRAME = 'sandbox_storage';

/** LTI services send vendor JSON types (…lineitem+json, …score+json) that the app parser skips. */
async function jsonBody(req: Request): Promise<Record<string, unknown>> {
  const parsed = req.body as Record<string, unknown> | undefined;
  if (parsed && typeof parsed === 'object' && Object.keys(parsed).length > 0) {
    return parsed;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
    if (chunks.reduce((n, c) => n + c.length, 0) > 100_000) {
      break;
    }
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** The sandbox LMS's pages and LTI platform endpoints (only when SANDBOX_ENABLED). */
@Controller('sandbox')
export class SandboxController {
  constructor(private readonly sandbox: SandboxService) {}

  private guard(res: Response): boolean {
    if (!this.sandbox.enabled) {
      res.status(404).json({ error: { code: 'SANDBOX_DISABLED' } });
      return false;
    }
    return true;
  }

  private fail(res: Response, err: unknown): void {
    if (err instanceof SandboxError) {
      res.status(err.status).json({ error: err.message });
      return;
    }
    throw err;
  }

  @Get()
  async home(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.guard(res)) {
      return;
    }
    const lang = negotiateLang(req);
    const classes = await this.sandbox.classes();
    const rows = await Promise.all(
      classes.map(async (c) => {
        const members = await this.sandbox.members(c.id);
        const links = await this.sandbox.links(c.id);
        return { ...c, members: this.withRoles(members, lang), links };
      }),
    );
    res.type('html').send(
      ltiViews.page(
        'sandbox-home',
        { title: I18n.t(lang, 'sandbox.title'), lang, path: '/sandbox' },
        {
          classes: rows,
          registered: Boolean(await this.sandbox.currentTool()),
        },
      ),
    );
  }

  private withRoles(
    users: SandboxUser[],
    lang: 'vi' | 'en',
  ): (SandboxUser & { roleLabel: string })[] {
    return users.map((u) => ({ ...u, roleLabel: I18n.t(lang, `sandbox.role.${u.role}`) }));
  }

  @Get('class/:id')
  async classPage(
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (!this.guard(res)) {
      return;
    }
    const lang = negotiateLang(req);
    const cls = await this.sandbox.classById(id);
    if (!cls) {
      res.status(404).send('Not found');
      return;
    }
    const members = this.withRoles(await this.sandbox.members(id), lang);
    const links = await this.sandbox.links(id);
    res.type('html').send(
      ltiViews.page(
        'sandbox-class',
        { title: cls.title, lang, path: `/sandbox/class/${id}` },
        {
          cls,
          members,
          links,
          teacher: members.find((m) => m.role === 'teacher'),
          added: req.query.added,
        },
      ),
    );
  }

  @Get('gradebook/:id')
  async gradebook(
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (!this.guard(res)) {
      return;
    }
    const lang = negotiateLang(req);
    const cls = await this.sandbox.classById(id);
    if (!cls) {
      res.status(404).send('Not found');
      return;
    }
    const items = await this.sandbox.lineItems(id);
    const learners = (await this.sandbox.members(id)).filter((m) => m.role === 'student');
    const scoresByItem = new Map(
      await Promise.all(items.map(async (i) => [i.id, await this.sandbox.scores(i.id)] as const)),
    );
    const rows = learners.map((u) => ({
      name: u.name,
      userId: u.id,
      cells: items.map((i) => {
        const received = (scoresByItem.get(i.id) ?? []).filter((s) => s.userId === u.id);
        const last = received.at(-1);
        return {
          score:
            last?.scoreGiven !== undefined
              ? `${last.scoreGiven} / ${last.scoreMaximum ?? i.scoreMaximum}`
              : '—',
          progress: last ? `${last.activityProgress}, ${last.gradingProgress}` : '',
          received: received.length,
        };
      }),
    }));
    res.type('html').send(
      ltiViews.page(
        'sandbox-gradebook',
        { title: I18n.t(lang, 'sandbox.gradebook'), lang, path: `/sandbox/gradebook/${id}` },
        {
          cls,
          items,
          rows,
        },
      ),
    );
  }

  /** Starts a launch the way an LMS does: the browser goes to the tool's login initiation URL. */
  @Get('launch')
  async launch(
    @Query() q: Record<string, string | undefined>,
    @Res() res: Response,
  ): Promise<void> {
    if (!this.guard(res)) {
      return;
    }
    const url = await this.sandbox.loginInitiationUrl({
      classId: q.class ?? '',
      userId: q.user ?? '',
      linkId: q.link,
      deepLinking: q.dl === '1',
      locale: q.locale,
      storageTarget: q.storage === 'frame' ? STORAGE_FRAME : q.storage === '1',
    });
    res.redirect(302, url);
  }

  /**
   * The tool inside an iframe of an LMS page, as Moodle and Canvas show it, with the LMS's
   * platform-storage frame beside it (Canvas-style `lti_storage_target` naming a frame).
   */
  @Get('embed')
  embed(
    @Query() q: Record<string, string | undefined>,
    @Req() req: Request,
    @Res() res: Response,
  ): void {
    if (!this.guard(res)) {
      return;
    }
    const lang = negotiateLang(req);
    // `storage=none`: an LMS without platform storage (the tool then offers a new window).
    const params = new URLSearchParams(q.storage === 'none' ? {} : { storage: 'frame' });
    for (const k of ['class', 'user', 'link', 'dl', 'locale']) {
      const v = q[k];
      if (typeof v === 'string' && v) {
        params.set(k, v.slice(0, 200));
      }
    }
    const lms = new URL(this.sandbox.issuer).origin;
    // The LMS page frames the tool and its own storage frame, which may live on another site.
    const csp = String(res.getHeader('Content-Security-Policy') ?? '');
    res.setHeader('Content-Security-Policy', `${csp}; frame-src 'self' ${lms}`);
    res.type('html').send(
      ltiViews.page(
        'sandbox-embed',
        { title: I18n.t(lang, 'sandbox.embedTitle'), lang, path: '/sandbox' },
        {
          launchUrl: `${this.sandbox.issuer}/launch?${params.toString()}`,
          storageUrl: `${this.sandbox.issuer}/storage-frame`,
        },
      ),
    );
  }

  /** The LMS's platform-storage frame (answers lti.put_data / lti.get_data). */
  @Get('storage-frame')
  storageFrame(@Req() req: Request, @Res() res: Response): void {
    if (!this.guard(res)) {
      return;
    }
    const lang = negotiateLang(req);
    res.type('html').send(
      ltiViews.page(
        'sandbox-storage',
        {
          title: I18n.t(lang, 'sandbox.storageFrameTitle'),
          lang,
          embedded: true,
          scripts: ['/static/lti-sandbox-storage.js'],
        },
        {},
      ),
    );
  }

  @Get('.well-known/openid-configuration')
  openid(@Res() res: Response): void {
    if (this.guard(res)) {
      res.json(this.sandbox.openIdConfiguration());
    }
  }

  @Post('register')
  async register(
    @Headers('authorization') authorization: string | undefined,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ): Promise<void> {
    if (this.guard(res)) {
      const answer = await this.sandbox.acceptRegistration(authorization, body);
      res.status(answer.status).json(answer.body);
    }
  }

  @Get('jwks')
  async jwks(@Res() res: Response): Promise<void> {
    if (this.guard(res)) {
      res.json(await this.sandbox.jwks());
    }
  }

  @Get('auth')
  async auth(
    @Query() q: Record<string, string | undefined>,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (!this.guard(res)) {
      return;
    }
    try {
      const { action, idToken, state } = await this.sandbox.authorize(q);
      const lang = negotiateLang(req);
      res.type('html').send(
        ltiViews.page(
          'sandbox-post',
          { title: 'LTI', lang, embedded: true, scripts: ['/static/lti-autosubmit.js'] },
          {
            action,
            fields: [
              { name: 'id_token', value: idToken },
              { name: 'state', value: state },
            ],
          },
        ),
      );
    } catch (err) {
      this.fail(res, err);
    }
  }

  @Post('token')
  async token(
    @Body() body: Record<string, string | undefined>,
    @Res() res: Response,
  ): Promise<void> {
    if (this.guard(res)) {
      const answer = await this.sandbox.token(body);
      res.status(answer.status).json(answer.body);
    }
  }

  private authorized(
    res: Response,
    authorization: string | undefined,
    scope: string,
    kind: 'scores' | 'other',
  ): boolean {
    const fault = this.sandbox.takeFault(kind);
    if (fault) {
      if (fault.retryAfterSeconds !== undefined) {
        res.setHeader('Retry-After', String(fault.retryAfterSeconds));
      }
      res.status(fault.status).json({ error: 'injected fault' });
      return false;
    }
    if (!this.sandbox.checkToken(authorization, scope)) {
      res.status(401).json({ error: 'invalid_token' });
      return false;
    }
    return true;
  }

  @Get('api/classes/:id/lineitems')
  async lineItems(
    @Param('id') id: string,
    @Query('resource_link_id') resourceLinkId: string | undefined,
    @Headers('authorization') authorization: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    if (this.guard(res) && this.authorized(res, authorization, SCOPE.LINEITEM_READONLY, 'other')) {
      const items = await this.sandbox.lineItems(id, resourceLinkId);
      res
        .type('application/vnd.ims.lis.v2.lineitemcontainer+json')
        .send(JSON.stringify(items.map((i) => this.sandbox.lineItemJson(i))));
    }
  }

  @Post('api/classes/:id/lineitems')
  async createLineItem(
    @Param('id') id: string,
    @Headers('authorization') authorization: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (this.guard(res) && this.authorized(res, authorization, SCOPE.LINEITEM, 'other')) {
      const item = await this.sandbox.createLineItem(id, await jsonBody(req));
      res
        .status(201)
        .type('application/vnd.ims.lis.v2.lineitem+json')
        .send(JSON.stringify(this.sandbox.lineItemJson(item)));
    }
  }

  @Post('api/classes/:id/lineitems/:item/lineitem/scores')
  async score(
    @Param('item') item: string,
    @Headers('authorization') authorization: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (this.guard(res) && this.authorized(res, authorization, SCOPE.SCORE, 'scores')) {
      const body = await jsonBody(req);
      if (typeof body.userId !== 'string' || typeof body.timestamp !== 'string') {
        res.status(400).json({ error: 'invalid score' });
        return;
      }
      await this.sandbox.addScore(item, body);
      res.status(204).send();
    }
  }

  @Get('api/classes/:id/memberships')
  async memberships(
    @Param('id') id: string,
    @Query('page') pageRaw: string | undefined,
    @Headers('authorization') authorization: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    if (!this.guard(res) || !this.authorized(res, authorization, SCOPE.NRPS, 'other')) {
      return;
    }
    const cls = await this.sandbox.classById(id);
    if (!cls) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    const page = Math.max(0, Number(pageRaw ?? 0) || 0);
    const members = await this.sandbox.members(id);
    const slice = members.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
    const self = `${this.sandbox.issuer}/api/classes/${id}/memberships`;
    if ((page + 1) * PAGE_SIZE < members.length) {
      res.setHeader('Link', `<${self}?page=${page + 1}>; rel="next"`);
    }
    res.type('application/vnd.ims.lti-nrps.v2.membershipcontainer+json').send(
      JSON.stringify({
        id: self,
        context: { id: cls.id, label: cls.label, title: cls.title },
        members: slice.map((u) => ({
          status: 'Active',
          user_id: u.id,
          name: u.name,
          given_name: u.givenName,
          family_name: u.familyName,
          email: `${u.id}@sandbox.invalid`,
          // Moodle answers NRPS with short role names.
          roles: [
            u.role === 'student'
              ? 'Learner'
              : u.role === 'teacher'
                ? 'Instructor'
                : 'Administrator',
          ],
        })),
      }),
    );
  }

  @Post('deeplink/return')
  async deepLinkReturn(
    @Query('class') classId: string,
    @Body() body: Record<string, string | undefined>,
    @Res() res: Response,
  ): Promise<void> {
    if (!this.guard(res)) {
      return;
    }
    try {
      const links = await this.sandbox.deepLinkReturn(classId, body.JWT ?? '');
      res.redirect(303, `/sandbox/class/${encodeURIComponent(classId)}?added=${links.length}`);
    } catch (err) {
      this.fail(res, err);
    }
  }

  /** Fault injection for tests and demos: answer `status` the next `times` service calls. */
  @Post('faults')
  @HttpCode(200)
  faults(@Body() body: Record<string, unknown>, @Res() res: Response): void {
    if (!this.guard(res)) {
      return;
    }
    const times = Number(body.times ?? 0);
    this.sandbox.fault =
      times > 0
        ? {
            status: Number(body.status ?? 503),
            remaining: times,
            retryAfterSeconds: body.retryAfter !== undefined ? Number(body.retryAfter) : undefined,
            scope: body.scope === 'all' ? 'all' : 'scores',
          }
        : null;
    res.json({ fault: this.sandbox.fault });
  }
}
