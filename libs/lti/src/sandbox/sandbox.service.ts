import { AppConfig, FieldEncryptionService, InjectConfig } from '@lib/core';
import { OrgsService } from '@lib/orgs';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  KeyObject,
  randomBytes,
  randomUUID,
  timingSafeEqual,
} from 'node:crypto';
import { promisify } from 'node:util';
import { ModuleCatalog } from '../deeplink/module-catalog';
import { JwksCache } from '../launch/jwks-cache';
import { CLAIM, LTI_PATHS, SCOPE } from '../lti.constants';
import { LtiUrls } from '../services/lti-urls.service';
import { PlatformRegistry } from '../services/platform-registry.service';
import { decodeJwt, signRs256, verifyRs256 } from '../util/jwt.util';
import { SandboxStore } from './sandbox.store';
import { text } from '../util/text.util';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface SandboxTool {
  clientId: string;
  name: string;
  loginUrl: string;
  redirectUris: string[];
  jwksUri: string;
  targetLinkUri: string;
  deploymentId: string;
  scopes: string[];
}
export interface SandboxClass {
  id: string;
  schoolCode: string;
  label: string;
  title: string;
}
export type SandboxRole = 'student' | 'teacher' | 'admin';
export interface SandboxUser {
  id: string;
  name: string;
  givenName: string;
  familyName: string;
  role: SandboxRole;
  schoolCode: string;
}
export interface SandboxLink {
  id: string;
  classId: string;
  title: string;
  custom: Record<string, string>;
  lineItemId: string | null;
}
export interface SandboxLineItem {
  id: string;
  classId: string;
  label: string;
  scoreMaximum: number;
  resourceId?: string;
  resourceLinkId?: string;
  tag?: string;
}
export interface SandboxScore {
  id: string;
  lineItemId: string;
  userId: string;
  scoreGiven?: number;
  scoreMaximum?: number;
  activityProgress?: string;
  gradingProgress?: string;
  timestamp?: string;
  comment?: string;
  createdAt: Date;
}

interface MessageHint {
  c: string;
  l?: string;
  dl?: boolean;
  loc?: string;
}

/**
 * Demo classes of the demo schools: a province-wide LMS whose courses carry `school_code`. Each
 * starts with one graded lesson of its age band, as if its teacher had added it by Deep Linking,
 * so a newcomer can launch a real lesson as a pupil from the first page of the sandbox.
 */
const DEMO_CLASSES = [
  {
    school: 'DEMO-S01',
    label: '5A',
    title: { en: 'Class 5A', vi: 'Lớp 5A' },
    module: 'up-online-friends',
  },
  {
    school: 'DEMO-S02',
    label: '7B',
    title: { en: 'Class 7B', vi: 'Lớp 7B' },
    module: 'ls-account-security',
  },
  {
    school: 'DEMO-S03',
    label: '4C',
    title: { en: 'Class 4C', vi: 'Lớp 4C' },
    module: 'up-strong-passwords',
  },
  {
    school: 'DEMO-S04',
    label: '10A1',
    title: { en: 'Class 10A1', vi: 'Lớp 10A1' },
    module: 'us-reporting-and-getting-help',
  },
];
const DEMO_STUDENTS = ['An', 'Bình', 'Chi', 'Dũng', 'Giang', 'Hà'];
const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ'];

const ROLE_URIS: Record<SandboxRole, string[]> = {
  student: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'],
  teacher: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor'],
  admin: ['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator'],
};

/** A fault the sandbox answers with, N times, so grade passback retries can be exercised. */
export interface SandboxFault {
  status: number;
  remaining: number;
  retryAfterSeconds?: number;
  scope: 'scores' | 'all';
}

/**
 * The sandbox LMS: a real LTI 1.3 platform that speaks like Moodle 4.5 (its own RSA key, OIDC
 * auth endpoint, id_token signing, JWKS, client-credentials token endpoint with JWT client
 * assertion, AGS line items and scores, NRPS with Link paging, deep-linking return). It
 * registers itself with the tool by Dynamic Registration when the server starts listening.
 */
@Injectable()
export class SandboxService implements OnApplicationBootstrap, OnApplicationShutdown {
  private closing = false;
  private readonly logger = new Logger('SandboxLms');
  private key?: { kid: string; privateKey: KeyObject; publicJwk: Record<string, unknown> };
  private keyPromise?: Promise<void>;
  private readonly toolKeys = new JwksCache(300_000, 1_000);
  fault: SandboxFault | null = null;
  private resolveReady!: () => void;
  private rejectReady!: (err: unknown) => void;
  /** Resolves when the sandbox is registered with the tool and seeded. */
  readonly ready = new Promise<void>((resolve, reject) => {
    this.resolveReady = resolve;
    this.rejectReady = reject;
  });

  constructor(
    private readonly store: SandboxStore,
    private readonly urls: LtiUrls,
    private readonly platforms: PlatformRegistry,
    private readonly orgs: OrgsService,
    private readonly crypto: FieldEncryptionService,
    private readonly modules: ModuleCatalog,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.ready.catch(() => undefined);
  }

  get enabled(): boolean {
    return this.config.sandboxEnabled && !this.config.isProduction;
  }

  get issuer(): string {
    return this.urls.url('/sandbox');
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) {
      return;
    }
    void this.urls.listening.then(() =>
      this.bootstrap().then(this.resolveReady, (err: unknown) => {
        if (this.closing) {
          return; // the app stopped before the sandbox finished registering
        }
        this.logger.error({
          msg: 'sandbox LMS could not register with the tool',
          err: String(err),
        });
        this.rejectReady(err);
      }),
    );
  }

  onApplicationShutdown(): void {
    this.closing = true;
  }

  private async bootstrap(): Promise<void> {
    await this.ensureKey();
    await this.seedDemo();
    await this.registerWithTool();
    const tool = await this.currentTool();
    const [platform] = await this.platforms.byIssuer(this.issuer, tool?.clientId);
    if (platform && tool) {
      const deployment = await this.platforms.ensureDeployment(platform.id, tool.deploymentId);
      if (!deployment.orgNodeId && (await this.orgs.findByCode('DEMO-P01'))) {
        await this.platforms.bindDeployment(platform.id, tool.deploymentId, 'DEMO-P01');
      }
    }
  }

  /** Dynamic Registration, the way an LMS admin starts it: the tool's /lti/register in a window. */
  async registerWithTool(): Promise<void> {
    const tool = await this.currentTool();
    if (tool && (await this.platforms.byIssuer(this.issuer, tool.clientId)).length > 0) {
      return; // idempotent: already registered
    }
    const token = randomBytes(24).toString('base64url');
    await this.store.put('regtoken', token, { expiresAt: Date.now() + 600_000 });
    const url = new URL(this.urls.url(LTI_PATHS.register));
    url.searchParams.set('openid_configuration', `${this.issuer}/.well-known/openid-configuration`);
    url.searchParams.set('registration_token', token);
    const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    if (!res.ok) {
      throw new Error(`the tool refused the registration (${res.status})`);
    }
    this.logger.log({ msg: 'sandbox LMS registered with the tool by Dynamic Registration' });
  }

  async currentTool(): Promise<SandboxTool | null> {
    const tools = await this.store.list<SandboxTool>('tool');
    const mine = tools.filter((t) => t.loginUrl === this.urls.url(LTI_PATHS.login));
    return mine.at(-1) ?? null;
  }

  // ---- keys -------------------------------------------------------------------------------

  private async ensureKey(): Promise<void> {
    if (this.key) {
      return;
    }
    this.keyPromise ??= (async () => {
      let stored = await this.store.get<{
        kid: string;
        privatePem: string;
        publicJwk: Record<string, unknown>;
      }>('key', 'current');
      if (!stored) {
        const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
        const kid = randomBytes(8).toString('hex');
        const publicJwk = createPublicKey(privateKey).export({ format: 'jwk' }) as Record<
          string,
          unknown
        >;
        const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
        stored = { kid, privatePem: this.crypto.encrypt(privatePem, 'sandbox-key'), publicJwk };
        await this.store.put('key', 'current', stored);
      }
      this.key = {
        kid: stored.kid,
        privateKey: createPrivateKey(this.crypto.decrypt(stored.privatePem, 'sandbox-key')),
        publicJwk: stored.publicJwk,
      };
    })();
    await this.keyPromise;
  }

  async jwks(): Promise<{ keys: Record<string, unknown>[] }> {
    await this.ensureKey();
    return { keys: [{ ...this.key!.publicJwk, kid: this.key!.kid, alg: 'RS256', use: 'sig' }] };
  }

  async sign(payload: Record<string, unknown>): Promise<string> {
    await this.ensureKey();
    return signRs256(payload, this.key!.privateKey, this.key!.kid);
  }

  // ---- registration -----------------------------------------------------------------------

  openIdConfiguration(): Record<string, unknown> {
    const base = this.issuer;
    return {
      issuer: base,
      authorization_endpoint: `${base}/auth`,
      token_endpoint: `${base}/token`,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256'],
      jwks_uri: `${base}/jwks`,
      registration_endpoint: `${base}/register`,
      scopes_supported: [
        'openid',
        SCOPE.LINEITEM,
        SCOPE.LINEITEM_READONLY,
        SCOPE.RESULT_READONLY,
        SCOPE.SCORE,
        SCOPE.NRPS,
      ],
      response_types_supported: ['id_token'],
      subject_types_supported: ['public', 'pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: ['sub', 'iss', 'name', 'given_name', 'family_name', 'email'],
      [CLAIM.PLATFORM_CONFIGURATION]: {
        product_family_code: 'moodle',
        version: '4.5.6 (SafeNest sandbox)',
        messages_supported: [{ type: 'LtiResourceLinkRequest' }, { type: 'LtiDeepLinkingRequest' }],
        variables: ['ResourceLink.id'],
      },
    };
  }

  async acceptRegistration(
    authorization: string | undefined,
    body: Record<string, unknown>,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const token = authorization?.replace(/^Bearer\s+/i, '') ?? '';
    const known = token ? await this.store.get<{ expiresAt: number }>('regtoken', token) : null;
    if (!known || known.expiresAt < Date.now()) {
      // What Moodle does with a missing or stale registration token.
      return { status: 401, body: { error: 'invalid_token' } };
    }
    await this.store.delete('regtoken', token);
    const toolConf = (body[CLAIM.TOOL_CONFIGURATION] ?? {}) as Record<string, unknown>;
    const tool: SandboxTool = {
      clientId: randomBytes(8).toString('base64url'),
      name: text(body.client_name, 'Tool'),
      loginUrl: text(body.initiate_login_uri),
      redirectUris: Array.isArray(body.redirect_uris) ? (body.redirect_uris as string[]) : [],
      jwksUri: text(body.jwks_uri),
      targetLinkUri: text(toolConf.target_link_uri),
      deploymentId: String((await this.store.list('tool')).length + 1),
      scopes: text(body.scope).split(/\s+/).filter(Boolean),
    };
    if (!tool.loginUrl || !tool.jwksUri || tool.redirectUris.length === 0) {
      return { status: 400, body: { error: 'invalid_client_metadata' } };
    }
    await this.store.put('tool', tool.clientId, tool);
    return {
      status: 200,
      body: {
        ...body,
        client_id: tool.clientId,
        registration_client_uri: `${this.issuer}/register/${tool.clientId}`,
        [CLAIM.TOOL_CONFIGURATION]: { ...toolConf, deployment_id: tool.deploymentId },
      },
    };
  }

  // ---- people and classes -----------------------------------------------------------------

  /** Idempotent demo data: one class per demo school with a teacher, an admin and students. */
  async seedDemo(): Promise<void> {
    for (const c of DEMO_CLASSES) {
      const id = `demo-${c.school.toLowerCase()}`;
      if (await this.store.get('class', id)) {
        continue; // seeded on an earlier start; what was added since stays as it is
      }
      await this.createClass({
        id,
        schoolCode: c.school,
        label: c.label,
        title: c.title.vi,
        students: 4,
      });
      // The lesson as Deep Linking would have added it: the module's title, its id as a custom
      // parameter and a line item out of its points. A CURRICULA_DIR without it: no lesson.
      const module = this.modules.get(c.module);
      if (module) {
        await this.addLink(id, module.title.vi, module.id, module.maxScore || 1);
      } else {
        this.logger.warn({ msg: 'demo lesson not in the curricula', moduleId: c.module });
      }
    }
  }

  /** A class with a teacher, a school admin and `students` learners (tests and demo). */
  async createClass(input: {
    id?: string;
    schoolCode: string;
    label: string;
    title: string;
    students: number;
  }): Promise<{
    cls: SandboxClass;
    teacher: SandboxUser;
    admin: SandboxUser;
    students: SandboxUser[];
  }> {
    const id = input.id ?? `c-${randomBytes(4).toString('hex')}`;
    const cls: SandboxClass = {
      id,
      schoolCode: input.schoolCode,
      label: input.label,
      title: input.title,
    };
    await this.store.put('class', id, cls);
    const person = async (role: SandboxRole, n: number): Promise<SandboxUser> => {
      const given =
        role === 'student'
          ? DEMO_STUDENTS[n % DEMO_STUDENTS.length]
          : role === 'teacher'
            ? 'Lan'
            : 'Minh';
      const family = FAMILY[(n + id.length) % FAMILY.length];
      const user: SandboxUser = {
        id: `${id}-${role}-${n}`,
        givenName: given,
        familyName: family,
        name: `${family} ${given}`,
        role,
        schoolCode: input.schoolCode,
      };
      await this.store.put('user', user.id, user, id);
      await this.store.put('member', `${id}:${user.id}`, { userId: user.id, role }, id);
      return user;
    };
    const teacher = await person('teacher', 0);
    const admin = await person('admin', 0);
    const students: SandboxUser[] = [];
    for (let i = 0; i < input.students; i++) {
      students.push(await person('student', i + 1));
    }
    return { cls, teacher, admin, students };
  }

  async classes(): Promise<SandboxClass[]> {
    return this.store.list<SandboxClass>('class');
  }

  async classById(id: string): Promise<SandboxClass | null> {
    return this.store.get<SandboxClass>('class', id);
  }

  async members(classId: string): Promise<SandboxUser[]> {
    const members = await this.store.list<{ userId: string }>('member', classId);
    const users = await Promise.all(
      members.map((m) => this.store.get<SandboxUser>('user', m.userId)),
    );
    return users.filter((u): u is SandboxUser => Boolean(u));
  }

  async links(classId: string): Promise<SandboxLink[]> {
    return this.store.list<SandboxLink>('link', classId);
  }

  /** A link as a teacher would add by hand (tests): optional module id and graded line item. */
  async addLink(
    classId: string,
    title: string,
    moduleId?: string,
    scoreMaximum?: number,
  ): Promise<SandboxLink> {
    const id = `l-${randomBytes(4).toString('hex')}`;
    let lineItemId: string | null = null;
    if (scoreMaximum) {
      lineItemId = `li-${randomBytes(4).toString('hex')}`;
      const item: SandboxLineItem = {
        id: lineItemId,
        classId,
        label: title,
        scoreMaximum,
        resourceId: moduleId,
        resourceLinkId: id,
      };
      await this.store.put('lineitem', lineItemId, item, classId);
    }
    const link: SandboxLink = {
      id,
      classId,
      title,
      custom: moduleId ? { module_id: moduleId } : {},
      lineItemId,
    };
    await this.store.put('link', id, link, classId);
    return link;
  }

  // ---- launches ---------------------------------------------------------------------------

  private hmac(value: string): string {
    return createHmac('sha256', this.config.appSecret)
      .update(`sandbox:${value}`)
      .digest('base64url');
  }

  private signHint(hint: MessageHint): string {
    const body = Buffer.from(JSON.stringify(hint)).toString('base64url');
    return `${body}.${this.hmac(body)}`;
  }

  private readHint(value: string): MessageHint | null {
    const [body, sig] = value.split('.');
    if (!body || !sig) {
      return null;
    }
    const expected = Buffer.from(this.hmac(body));
    const actual = Buffer.from(sig);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
      return null;
    }
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as MessageHint;
  }

  /** Step 0 of a launch: the LMS sends the browser to the tool's login initiation URL. */
  async loginInitiationUrl(input: {
    classId: string;
    userId: string;
    linkId?: string;
    deepLinking?: boolean;
    locale?: string;
    /** true: the LMS page itself (`_parent`); a string: the name of its storage frame. */
    storageTarget?: boolean | string;
  }): Promise<string> {
    const tool = await this.currentTool();
    if (!tool) {
      throw new Error('The sandbox is not registered with the tool yet.');
    }
    const url = new URL(tool.loginUrl);
    url.searchParams.set('iss', this.issuer);
    url.searchParams.set('login_hint', input.userId);
    url.searchParams.set('target_link_uri', tool.targetLinkUri);
    url.searchParams.set('client_id', tool.clientId);
    url.searchParams.set('lti_deployment_id', tool.deploymentId);
    url.searchParams.set(
      'lti_message_hint',
      this.signHint({
        c: input.classId,
        l: input.linkId,
        dl: input.deepLinking,
        loc: input.locale,
      }),
    );
    if (input.storageTarget) {
      url.searchParams.set(
        'lti_storage_target',
        typeof input.storageTarget === 'string' ? input.storageTarget : '_parent',
      );
    }
    return url.toString();
  }

  /**
   * The OIDC authorization endpoint: checks the request, then answers with the auto-submitting
   * form that posts the signed id_token to the tool (response_mode=form_post).
   */
  async authorize(
    q: Record<string, string | undefined>,
  ): Promise<{ action: string; idToken: string; state: string }> {
    const tool = q.client_id ? await this.store.get<SandboxTool>('tool', q.client_id) : null;
    if (!tool) {
      throw new SandboxError(400, 'unauthorized_client');
    }
    if (q.response_type !== 'id_token' || q.scope !== 'openid' || q.response_mode !== 'form_post') {
      throw new SandboxError(400, 'invalid_request');
    }
    if (!q.redirect_uri || !tool.redirectUris.includes(q.redirect_uri)) {
      throw new SandboxError(400, 'invalid_redirect_uri');
    }
    if (!q.nonce || !q.state) {
      throw new SandboxError(400, 'invalid_request');
    }
    const hint = q.lti_message_hint ? this.readHint(q.lti_message_hint) : null;
    const user = q.login_hint ? await this.store.get<SandboxUser>('user', q.login_hint) : null;
    if (!hint || !user) {
      throw new SandboxError(400, 'login_required');
    }
    const cls = await this.classById(hint.c);
    if (!cls) {
      throw new SandboxError(400, 'invalid_request');
    }
    const claims = await this.claimsFor(tool, cls, user, hint);
    const now = Math.floor(Date.now() / 1000);
    const idToken = await this.sign({
      nonce: q.nonce,
      iat: now,
      exp: now + 60,
      iss: this.issuer,
      aud: tool.clientId,
      sub: user.id,
      ...claims,
    });
    return { action: q.redirect_uri, idToken, state: q.state };
  }

  /** Claims as Moodle 4.5 sends them (see docs: moodle-4.5-claims.json). */
  async claimsFor(
    tool: SandboxTool,
    cls: SandboxClass,
    user: SandboxUser,
    hint: MessageHint,
  ): Promise<Record<string, unknown>> {
    const base = this.issuer;
    const memberships = `${base}/api/classes/${cls.id}/memberships`;
    const link = hint.l ? await this.store.get<SandboxLink>('link', hint.l) : null;
    const ags: Record<string, unknown> = {
      scope: [SCOPE.LINEITEM, SCOPE.LINEITEM_READONLY, SCOPE.RESULT_READONLY, SCOPE.SCORE],
      lineitems: `${base}/api/classes/${cls.id}/lineitems?type_id=${tool.deploymentId}`,
    };
    if (link?.lineItemId) {
      ags.lineitem = `${base}/api/classes/${cls.id}/lineitems/${link.lineItemId}/lineitem?type_id=${tool.deploymentId}`;
    }
    const common: Record<string, unknown> = {
      [CLAIM.DEPLOYMENT_ID]: tool.deploymentId,
      [CLAIM.TARGET_LINK_URI]: tool.targetLinkUri,
      [CLAIM.LIS]: { person_sourcedid: '', course_section_sourcedid: '' },
      [CLAIM.ROLES]: ROLE_URIS[user.role],
      [CLAIM.CONTEXT]: { id: cls.id, label: cls.label, title: cls.title, type: ['CourseSection'] },
      given_name: user.givenName,
      family_name: user.familyName,
      name: user.name,
      email: `${user.id}@sandbox.invalid`,
      [CLAIM.LAUNCH_PRESENTATION]: {
        locale: hint.loc ?? 'vi',
        document_target: 'window',
        return_url: `${base}/class/${cls.id}`,
      },
      [CLAIM.TOOL_PLATFORM]: {
        product_family_code: 'moodle',
        version: '2024100706',
        guid: 'safenest-sandbox',
        name: 'SafeNest sandbox LMS',
        description: 'Sandbox LMS',
      },
      [CLAIM.VERSION]: '1.3.0',
      [CLAIM.AGS]: ags,
      [CLAIM.NRPS]: { context_memberships_url: memberships, service_versions: ['1.0', '2.0'] },
    };
    const custom: Record<string, string> = {
      course_shortname: cls.label,
      context_memberships_url: memberships,
      school_code: cls.schoolCode,
    };
    if (hint.dl) {
      return {
        ...common,
        [CLAIM.MESSAGE_TYPE]: 'LtiDeepLinkingRequest',
        [CLAIM.CUSTOM]: custom,
        [CLAIM.DL_SETTINGS]: {
          accept_types: ['ltiResourceLink'],
          accept_presentation_document_targets: ['frame', 'iframe', 'window'],
          accept_copy_advice: false,
          accept_multiple: true,
          accept_unsigned: false,
          auto_create: false,
          can_confirm: false,
          deep_link_return_url: `${base}/deeplink/return?class=${encodeURIComponent(cls.id)}&sesskey=${randomBytes(5).toString('hex')}`,
          title: 'DL',
          text: '',
        },
      };
    }
    if (!link) {
      throw new SandboxError(400, 'invalid_request');
    }
    return {
      ...common,
      [CLAIM.MESSAGE_TYPE]: 'LtiResourceLinkRequest',
      [CLAIM.RESOURCE_LINK]: { title: link.title, description: '', id: link.id },
      [CLAIM.CUSTOM]: { ...custom, ...link.custom },
    };
  }

  // ---- services ---------------------------------------------------------------------------

  /** Verifies a JWT the tool signed (client assertion, deep-linking response) with its JWKS. */
  private async verifyFromTool(
    jwt: string,
    tool: SandboxTool,
  ): Promise<Record<string, unknown> | null> {
    const decoded = decodeJwt(jwt);
    if (!decoded || decoded.header.alg !== 'RS256' || typeof decoded.header.kid !== 'string') {
      return null;
    }
    const key = await this.toolKeys.key(tool.jwksUri, decoded.header.kid).catch(() => null);
    if (!key || !verifyRs256(decoded, key)) {
      return null;
    }
    const exp = decoded.payload.exp;
    if (typeof exp !== 'number' || exp < Date.now() / 1000 - 30) {
      return null;
    }
    return decoded.payload;
  }

  /** OAuth2 client-credentials grant with a JWT client assertion (RFC 7523). */
  async token(
    form: Record<string, string | undefined>,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    if (
      form.grant_type !== 'client_credentials' ||
      form.client_assertion_type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' ||
      !form.client_assertion
    ) {
      return { status: 400, body: { error: 'invalid_request' } };
    }
    const unverified = decodeJwt(form.client_assertion);
    const clientId = typeof unverified?.payload.iss === 'string' ? unverified.payload.iss : '';
    const tool = clientId ? await this.store.get<SandboxTool>('tool', clientId) : null;
    const claims = tool ? await this.verifyFromTool(form.client_assertion, tool) : null;
    const aud = claims ? ([] as unknown[]).concat(claims.aud) : [];
    if (!tool || !claims || claims.sub !== clientId || !aud.includes(`${this.issuer}/token`)) {
      return { status: 401, body: { error: 'invalid_client' } };
    }
    const scopes = String(form.scope ?? '')
      .split(/\s+/)
      .filter((s) => tool.scopes.includes(s));
    const exp = Date.now() + 3600_000;
    const body = Buffer.from(JSON.stringify({ c: clientId, s: scopes, e: exp })).toString(
      'base64url',
    );
    return {
      status: 200,
      body: {
        access_token: `${body}.${this.hmac(body)}`,
        token_type: 'Bearer',
        expires_in: 3600,
        scope: scopes.join(' '),
      },
    };
  }

  /** The client of a bearer token holding `scope`, or null. */
  checkToken(authorization: string | undefined, scope: string): string | null {
    const token = authorization?.replace(/^Bearer\s+/i, '') ?? '';
    const [body, sig] = token.split('.');
    if (!body || !sig || this.hmac(body) !== sig) {
      return null;
    }
    const data = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as {
      c: string;
      s: string[];
      e: number;
    };
    const allowed =
      data.s.includes(scope) ||
      (scope === SCOPE.LINEITEM_READONLY && data.s.includes(SCOPE.LINEITEM));
    return data.e > Date.now() && allowed ? data.c : null;
  }

  /** Consumes one injected fault for this kind of request, if any. */
  takeFault(kind: 'scores' | 'other'): SandboxFault | null {
    const f = this.fault;
    if (!f || f.remaining <= 0 || (f.scope === 'scores' && kind !== 'scores')) {
      return null;
    }
    f.remaining--;
    return f;
  }

  async lineItems(classId: string, resourceLinkId?: string): Promise<SandboxLineItem[]> {
    const items = await this.store.list<SandboxLineItem>('lineitem', classId);
    return resourceLinkId ? items.filter((i) => i.resourceLinkId === resourceLinkId) : items;
  }

  async createLineItem(classId: string, body: Record<string, unknown>): Promise<SandboxLineItem> {
    const item: SandboxLineItem = {
      id: `li-${randomBytes(4).toString('hex')}`,
      classId,
      label: text(body.label, 'Item'),
      scoreMaximum: Number(body.scoreMaximum ?? 100),
      resourceId: typeof body.resourceId === 'string' ? body.resourceId : undefined,
      resourceLinkId: typeof body.resourceLinkId === 'string' ? body.resourceLinkId : undefined,
      tag: typeof body.tag === 'string' ? body.tag : undefined,
    };
    await this.store.put('lineitem', item.id, item, classId);
    return item;
  }

  lineItemJson(item: SandboxLineItem): Record<string, unknown> {
    return {
      id: `${this.issuer}/api/classes/${item.classId}/lineitems/${item.id}/lineitem`,
      label: item.label,
      scoreMaximum: item.scoreMaximum,
      resourceId: item.resourceId,
      resourceLinkId: item.resourceLinkId,
      tag: item.tag,
    };
  }

  async addScore(lineItemId: string, body: Record<string, unknown>): Promise<SandboxScore> {
    const score = {
      lineItemId,
      userId: text(body.userId),
      scoreGiven: typeof body.scoreGiven === 'number' ? body.scoreGiven : undefined,
      scoreMaximum: typeof body.scoreMaximum === 'number' ? body.scoreMaximum : undefined,
      activityProgress: text(body.activityProgress),
      gradingProgress: text(body.gradingProgress),
      timestamp: text(body.timestamp),
      comment: typeof body.comment === 'string' ? body.comment : undefined,
    };
    const id = randomUUID();
    await this.store.put('score', id, score, lineItemId);
    return { ...score, id, createdAt: new Date() };
  }

  /** Every score the platform received for a line item (the gradebook keeps the latest). */
  async scores(lineItemId: string): Promise<SandboxScore[]> {
    return this.store.list<SandboxScore>('score', lineItemId);
  }

  /** Deep-linking return: verify the tool's signed response, then add its links to the class. */
  async deepLinkReturn(classId: string, jwt: string): Promise<SandboxLink[]> {
    const tool = await this.currentTool();
    const claims = tool ? await this.verifyFromTool(jwt, tool) : null;
    if (!tool || !claims || claims.iss !== tool.clientId || claims.aud !== this.issuer) {
      throw new SandboxError(400, 'invalid deep-linking response');
    }
    if (
      claims[CLAIM.MESSAGE_TYPE] !== 'LtiDeepLinkingResponse' ||
      claims[CLAIM.DEPLOYMENT_ID] !== tool.deploymentId
    ) {
      throw new SandboxError(400, 'invalid deep-linking response');
    }
    const items = (claims[CLAIM.DL_CONTENT_ITEMS] ?? []) as Record<string, unknown>[];
    const created: SandboxLink[] = [];
    for (const item of items) {
      if (item.type !== 'ltiResourceLink') {
        continue;
      }
      const custom = (item.custom ?? {}) as Record<string, string>;
      const lineItem = item.lineItem as { scoreMaximum?: number } | undefined;
      const link = await this.addLink(
        classId,
        text(item.title, 'SafeNest'),
        custom.module_id,
        lineItem?.scoreMaximum,
      );
      if (lineItem) {
        const stored = await this.store.get<SandboxLineItem>('lineitem', link.lineItemId!);
        await this.store.put(
          'lineitem',
          link.lineItemId!,
          { ...stored, ...lineItem, resourceLinkId: link.id },
          classId,
        );
      }
      created.push(link);
    }
    return created;
  }
}

export class SandboxError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
