import {
  AppConfig,
  FastSql,
  InjectConfig,
  Lang,
  langFromLocale,
  QueueService,
  SqlStep,
  SqlWork,
} from '@lib/core';
import { OrgsService, OrgType } from '@lib/orgs';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac, KeyObject, randomUUID, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  LtiContextEntity,
  LtiDeploymentEntity,
  LtiEnrolmentEntity,
  LtiLaunchEntity,
  LtiLoginEntity,
  LtiResourceLinkEntity,
  LtiUserEntity,
} from '../entities/lti.entities';
import {
  CLAIM,
  CLOCK_SKEW_SECONDS,
  JOB,
  LAUNCH_TTL_MS,
  LOGIN_TTL_MS,
  LTI_PATHS,
  MESSAGE_TYPES,
  LtiMessageType,
} from '../lti.constants';
import { LtiErrorCode, LtiException } from '../lti.exception';
import { LtiUrls } from '../services/lti-urls.service';
import { PlatformInfo, PlatformRegistry } from '../services/platform-registry.service';
import { decodeJwt, DecodedJwt, publicKeyOf, verifyRs256 } from '../util/jwt.util';
import { roleFlags } from '../util/roles.util';
import { JwksCache } from './jwks-cache';
import { LaunchService } from './launch.service';
import { LoginState, LoginStates } from './login-state';

export interface LoginParams {
  iss?: string;
  login_hint?: string;
  target_link_uri?: string;
  client_id?: string;
  lti_message_hint?: string;
  lti_deployment_id?: string;
  lti_storage_target?: string;
}

export interface LoginOutcome {
  authUrl: string;
  state: string;
  nonce: string;
  cookie: { name: string; value: string };
  storageTarget?: string;
}

export interface LaunchInput {
  idToken?: unknown;
  state?: unknown;
  cookies: Record<string, string | undefined>;
  /** Proof from the platform-storage check page, instead of the state cookie. */
  storageProof?: unknown;
}

export type LaunchOutcome =
  | {
      kind: 'redirect';
      location: string;
      launchId: string;
      lang: Lang;
      /** The launch token of this launch (`lt`), also in `location`. */
      lt: string;
      /** A learner's launch of a module: `location` is the lesson player. */
      learner: boolean;
    }
  | {
      kind: 'storage-check';
      state: string;
      /** The login's key: what the platform's storage holds for it (short; the state is not). */
      storageKey: string;
      nonce: string;
      storageTarget: string;
      platformOrigin: string;
      proof: string;
      idToken: string;
      lang: Lang;
    };

/** A refusal that knows the user's language when the token told it. */
export class LaunchRejected extends LtiException {
  constructor(
    reason: LtiErrorCode,
    message: string,
    public readonly lang: Lang | undefined,
    details?: Record<string, unknown>,
    public readonly retryUrl?: string,
  ) {
    super(reason, message, details);
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * OIDC login and launch, checked harder than ltijs checks them: RS256 only, platform keys from a
 * cached JWKS, exp/iat with a small skew, aud/azp, the state cookie bound to this login, the
 * nonce equal to the one this login sent and usable once, the deployment registered for the
 * platform, the required claims per message type, LTI 1.3.0. Then one transaction upserts the
 * pseudonymous user, class, enrolment and resource link and writes the launch record.
 */
@Injectable()
export class LaunchFlowService {
  private readonly logger = new Logger('LtiLaunch');
  readonly jwks = new JwksCache();
  private readonly staticKeys = new Map<string, KeyObject>();
  private readonly orgCache = new Map<string, { at: number; type: OrgType; path: string } | null>();
  private readonly deploymentTouched = new Map<string, number>();
  private readonly states: LoginStates;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
    private readonly platforms: PlatformRegistry,
    private readonly urls: LtiUrls,
    private readonly launches: LaunchService,
    private readonly orgs: OrgsService,
    private readonly queue: QueueService,
    private readonly sql: FastSql,
  ) {
    this.states = new LoginStates(config.appSecret);
  }

  get cookieSecure(): boolean {
    return this.config.secureCookies;
  }

  /** Step 1: the platform asks us to log in; we answer with its auth URL, state and nonce. */
  async login(params: LoginParams): Promise<LoginOutcome> {
    const iss = str(params.iss);
    const loginHint = str(params.login_hint);
    const target = str(params.target_link_uri);
    if (!iss || !loginHint || !target) {
      throw new LtiException(
        LtiErrorCode.LOGIN_PARAMS_MISSING,
        'Login lacks iss, login_hint or target_link_uri.',
      );
    }
    const candidates = await this.platforms.byIssuer(iss, str(params.client_id));
    if (candidates.length !== 1) {
      this.logger.warn({
        msg: 'login refused',
        reason: LtiErrorCode.PLATFORM_UNKNOWN,
        matches: candidates.length,
      });
      throw new LtiException(LtiErrorCode.PLATFORM_UNKNOWN, 'Platform not registered.');
    }
    const platform = candidates[0];
    if (!platform.active) {
      this.logger.warn({
        msg: 'login refused',
        reason: LtiErrorCode.PLATFORM_INACTIVE,
        platformId: platform.id,
      });
      throw new LtiException(LtiErrorCode.PLATFORM_INACTIVE, 'Platform not activated.', {
        platformId: platform.id,
      });
    }
    let targetOrigin: string | undefined;
    try {
      targetOrigin = new URL(target).origin;
    } catch {
      targetOrigin = undefined;
    }
    if (targetOrigin !== new URL(this.urls.publicBase).origin) {
      throw new LtiException(LtiErrorCode.TARGET_LINK_INVALID, 'target_link_uri is not ours.', {
        platformId: platform.id,
      });
    }
    const storageTarget = str(params.lti_storage_target)?.slice(0, 100) ?? null;
    // Nothing is written: the state seals the login (ADR 0108); its launch records it, once.
    const { state, key, nonce } = this.states.seal({
      platformId: platform.id,
      expiresAt: new Date(Date.now() + LOGIN_TTL_MS),
      storageTarget,
      params: Object.fromEntries(
        Object.entries({
          iss,
          login_hint: loginHint,
          target_link_uri: target,
          client_id: str(params.client_id),
          lti_message_hint: str(params.lti_message_hint),
          lti_deployment_id: str(params.lti_deployment_id),
        }).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].length < 2000),
      ),
    });
    const auth = new URL(platform.authEndpoint);
    const query: Record<string, string> = {
      scope: 'openid',
      response_type: 'id_token',
      response_mode: 'form_post',
      prompt: 'none',
      client_id: platform.clientId,
      redirect_uri: this.urls.url(LTI_PATHS.launch),
      login_hint: loginHint,
      state,
      nonce,
    };
    const hint = str(params.lti_message_hint);
    if (hint) {
      query.lti_message_hint = hint;
    }
    for (const [k, v] of Object.entries(query)) {
      auth.searchParams.set(k, v);
    }
    return {
      authUrl: auth.toString(),
      state,
      nonce,
      cookie: { name: stateCookieName(state), value: key },
      storageTarget: storageTarget ?? undefined,
    };
  }

  /** Step 2: the platform posts the id_token; checks it and records the launch. */
  async launch(input: LaunchInput, fallbackLang: Lang): Promise<LaunchOutcome> {
    const idToken = str(input.idToken);
    const jwt = decodeJwt(idToken);
    const lang = langFromLocale(
      (jwt?.payload[CLAIM.LAUNCH_PRESENTATION] as { locale?: unknown } | undefined)?.locale,
    );
    const reject = (
      reason: LtiErrorCode,
      message: string,
      details?: Record<string, unknown>,
      retryUrl?: string,
    ): never => {
      this.logger.warn({ msg: 'launch rejected', reason, ...(details ?? {}) });
      throw new LaunchRejected(reason, message, lang, details, retryUrl);
    };
    if (!idToken) {
      return reject(LtiErrorCode.ID_TOKEN_MISSING, 'No id_token in the launch.');
    }
    if (!jwt) {
      return reject(LtiErrorCode.JWT_MALFORMED, 'id_token is not a JWT.');
    }
    const state = str(input.state);
    if (!state) {
      return reject(LtiErrorCode.STATE_MISSING, 'No state in the launch.');
    }
    if (jwt.header.alg !== 'RS256') {
      return reject(LtiErrorCode.JWT_ALG_NOT_ALLOWED, 'Only RS256 is accepted.', {
        alg: String(jwt.header.alg).slice(0, 10),
      });
    }
    const p = jwt.payload;
    const iss = str(p.iss);
    const auds = (Array.isArray(p.aud) ? p.aud : [p.aud]).filter(
      (a): a is string => typeof a === 'string',
    );
    if (!iss || auds.length === 0) {
      return reject(LtiErrorCode.CLAIM_MISSING, 'iss or aud missing.', {
        claim: !iss ? 'iss' : 'aud',
      });
    }
    const ofIssuer = await this.platforms.byIssuer(iss);
    if (ofIssuer.length === 0) {
      return reject(LtiErrorCode.PLATFORM_UNKNOWN, 'Unknown issuer.');
    }
    const platform = ofIssuer.find((pl) => auds.includes(pl.clientId));
    if (!platform) {
      return reject(LtiErrorCode.JWT_AUD_MISMATCH, 'aud names no registered client.');
    }
    const pid = { platformId: platform.id };
    if (auds.length > 1 && str(p.azp) !== platform.clientId) {
      return reject(LtiErrorCode.JWT_AUD_MISMATCH, 'azp does not name our client.', pid);
    }
    if (!platform.active) {
      return reject(LtiErrorCode.PLATFORM_INACTIVE, 'Platform not activated.', pid);
    }
    await this.verifySignature(jwt, platform, reject);
    const now = Date.now() / 1000;
    if (typeof p.exp !== 'number' || p.exp + CLOCK_SKEW_SECONDS < now) {
      return reject(LtiErrorCode.JWT_EXPIRED, 'id_token expired.', pid);
    }
    if (typeof p.iat !== 'number' || p.iat - CLOCK_SKEW_SECONDS > now) {
      return reject(LtiErrorCode.JWT_IAT_IN_FUTURE, 'iat is in the future.', pid);
    }
    // The state seals the login (ADR 0108): any process opens it, nothing is read.
    const login = this.states.open(state);
    if (!login || login.expiresAt.getTime() < Date.now()) {
      return reject(LtiErrorCode.STATE_UNKNOWN, 'No such login.', pid);
    }
    if (login.platformId !== platform.id) {
      return reject(
        LtiErrorCode.JWT_ISS_MISMATCH,
        'Token from another platform than the login.',
        pid,
      );
    }
    const nonce = this.states.nonceOf(login.key);
    if (typeof p.nonce !== 'string' || !safeEqual(p.nonce, nonce)) {
      return reject(LtiErrorCode.NONCE_MISMATCH, 'Nonce differs from the login.', pid);
    }
    const cookie = input.cookies[stateCookieName(state)];
    const proofOk =
      typeof input.storageProof === 'string' &&
      safeEqual(input.storageProof, this.storageProof(state));
    if (!proofOk) {
      if (!cookie) {
        // The launch's own response clears the cookie: a post of a used login (a reload, a
        // replay) arrives without it and is told so, not sent to the storage check or a retry.
        if (await this.loginUsed(login.key)) {
          return reject(LtiErrorCode.NONCE_REUSED, 'This login was already used.', pid);
        }
        if (login.storageTarget) {
          return {
            kind: 'storage-check',
            state,
            storageKey: login.key,
            nonce,
            storageTarget: login.storageTarget,
            platformOrigin: new URL(platform.authEndpoint).origin,
            proof: this.storageProof(state),
            idToken,
            lang: lang ?? fallbackLang,
          };
        }
        const retry = Object.keys(login.params).length
          ? `${LTI_PATHS.login}?${new URLSearchParams(login.params).toString()}`
          : undefined;
        return reject(LtiErrorCode.STATE_COOKIE_MISSING, 'State cookie missing.', pid, retry);
      }
      if (!safeEqual(cookie, login.key)) {
        return reject(LtiErrorCode.STATE_COOKIE_MISMATCH, 'State cookie differs.', pid);
      }
    }
    const claims = this.checkClaims(p, reject, pid);
    let deployment = await this.platforms.deployment(platform.id, claims.deploymentId);
    if (!deployment) {
      if (!platform.acceptNewDeployments) {
        return reject(LtiErrorCode.DEPLOYMENT_UNKNOWN, 'Deployment not registered.', pid);
      }
      deployment = await this.platforms.ensureDeployment(platform.id, claims.deploymentId);
    }
    // Single use: only the first launch of this login records it (replays find it taken).
    const launch = await this.record(platform, deployment, login, p, claims, lang ?? fallbackLang);
    if (!launch) {
      return reject(LtiErrorCode.NONCE_REUSED, 'This login was already used.', pid);
    }
    const lt = this.launches.tokenFor(launch.id);
    const location = this.routeFor(launch, lt);
    return {
      kind: 'redirect',
      location,
      launchId: launch.id,
      lang: launch.locale,
      lt,
      learner: location.startsWith('/play/'),
    };
  }

  /** Whether a launch has recorded this login already (rows are written only by launches). */
  private async loginUsed(key: string): Promise<boolean> {
    const { rows } = await this.sql.exec(
      this.sql.select(LtiLoginEntity, { state: key }, ['state'], { limit: 1 }),
    );
    return rows.length > 0;
  }

  /** HMAC of the state, handed only to the browser that posted the launch (storage check). */
  storageProof(state: string): string {
    return createHmac('sha256', this.config.appSecret)
      .update(`lti-storage:${state}`)
      .digest('base64url');
  }

  private async verifySignature(
    jwt: DecodedJwt,
    platform: PlatformInfo,
    reject: (reason: LtiErrorCode, message: string, details?: Record<string, unknown>) => never,
  ): Promise<void> {
    const pid = { platformId: platform.id };
    let key: KeyObject | null = null;
    const { method, key: value } = platform.authConfig;
    if (method === 'JWK_SET') {
      const kid = jwt.header.kid;
      if (typeof kid !== 'string') {
        return reject(LtiErrorCode.JWT_KID_UNKNOWN, 'No kid in the header.', pid);
      }
      try {
        key = await this.jwks.key(value, kid);
      } catch {
        return reject(LtiErrorCode.PLATFORM_KEYS_UNAVAILABLE, 'JWKS unavailable.', pid);
      }
      if (!key) {
        return reject(LtiErrorCode.JWT_KID_UNKNOWN, 'kid not in the JWKS.', pid);
      }
    } else {
      const cacheKey = `${platform.id}:${value}`;
      key = this.staticKeys.get(cacheKey) ?? null;
      if (!key) {
        try {
          key = publicKeyOf(method === 'JWK_KEY' ? (JSON.parse(value) as object) : value);
          this.staticKeys.set(cacheKey, key);
        } catch {
          return reject(LtiErrorCode.PLATFORM_KEYS_UNAVAILABLE, 'Registered key unreadable.', pid);
        }
      }
    }
    if (!verifyRs256(jwt, key)) {
      return reject(LtiErrorCode.JWT_SIGNATURE_INVALID, 'Bad signature.', pid);
    }
  }

  private checkClaims(
    p: Record<string, unknown>,
    reject: (reason: LtiErrorCode, message: string, details?: Record<string, unknown>) => never,
    pid: Record<string, unknown>,
  ): { messageType: LtiMessageType; deploymentId: string; sub: string } {
    const missing = (claim: string): never =>
      reject(LtiErrorCode.CLAIM_MISSING, `Missing claim ${claim}.`, { ...pid, claim });
    const version = p[CLAIM.VERSION];
    if (version === undefined) {
      missing(CLAIM.VERSION);
    }
    if (version !== '1.3.0') {
      reject(LtiErrorCode.LTI_VERSION_UNSUPPORTED, 'Only LTI 1.3.0.', pid);
    }
    const messageType = p[CLAIM.MESSAGE_TYPE];
    if (messageType === undefined) {
      missing(CLAIM.MESSAGE_TYPE);
    }
    if (!MESSAGE_TYPES.includes(messageType as LtiMessageType)) {
      reject(LtiErrorCode.MESSAGE_TYPE_UNSUPPORTED, 'Unsupported message type.', pid);
    }
    const deploymentId = str(p[CLAIM.DEPLOYMENT_ID]) ?? missing(CLAIM.DEPLOYMENT_ID);
    const sub = str(p.sub) ?? missing('sub');
    if (!Array.isArray(p[CLAIM.ROLES])) {
      missing(CLAIM.ROLES);
    }
    if (messageType === 'LtiResourceLinkRequest') {
      if (!str((p[CLAIM.RESOURCE_LINK] as { id?: unknown } | undefined)?.id)) {
        missing(CLAIM.RESOURCE_LINK);
      }
      if (!str(p[CLAIM.TARGET_LINK_URI])) {
        missing(CLAIM.TARGET_LINK_URI);
      }
    } else {
      const settings = p[CLAIM.DL_SETTINGS] as Record<string, unknown> | undefined;
      if (!str(settings?.deep_link_return_url)) {
        missing(CLAIM.DL_SETTINGS);
      }
    }
    return { messageType: messageType as LtiMessageType, deploymentId, sub };
  }

  /** The school a launch belongs to: the bound school, or the `school_code` under the bound node. */
  private async schoolOf(
    deployment: LtiDeploymentEntity,
    custom: Record<string, unknown>,
  ): Promise<string | null> {
    if (!deployment.orgNodeId) {
      return null;
    }
    const node = await this.org(deployment.orgNodeId);
    if (!node) {
      return null;
    }
    if (node.type === OrgType.SCHOOL || node.type === OrgType.FACILITY) {
      return deployment.orgNodeId;
    }
    const code = str(custom.school_code);
    if (!code) {
      return null;
    }
    const schoolId = await this.orgs.idOfCode(code);
    const school = schoolId ? await this.org(schoolId) : null;
    return school &&
      (school.type === OrgType.SCHOOL || school.type === OrgType.FACILITY) &&
      school.path.startsWith(node.path)
      ? schoolId
      : null;
  }

  private async org(id: string): Promise<{ type: OrgType; path: string } | null> {
    const hit = this.orgCache.get(id);
    if (hit !== undefined && (hit === null || Date.now() - hit.at < 60_000)) {
      return hit;
    }
    const node = await this.orgs.getById(id).catch(() => null);
    const value = node ? { at: Date.now(), type: node.type, path: node.path } : null;
    this.orgCache.set(id, value);
    return value;
  }

  private async record(
    platform: PlatformInfo,
    deployment: LtiDeploymentEntity,
    login: LoginState,
    p: Record<string, unknown>,
    claims: { messageType: LtiMessageType; sub: string },
    lang: Lang,
  ): Promise<LtiLaunchEntity | null> {
    const custom = (p[CLAIM.CUSTOM] ?? {}) as Record<string, unknown>;
    const context = p[CLAIM.CONTEXT] as
      { id?: unknown; label?: unknown; title?: unknown } | undefined;
    const link = p[CLAIM.RESOURCE_LINK] as { id?: unknown; title?: unknown } | undefined;
    const ags = p[CLAIM.AGS] as
      { lineitem?: unknown; lineitems?: unknown; scope?: unknown } | undefined;
    const nrps = p[CLAIM.NRPS] as { context_memberships_url?: unknown } | undefined;
    const presentation = p[CLAIM.LAUNCH_PRESENTATION] as { return_url?: unknown } | undefined;
    const toolPlatform = p[CLAIM.TOOL_PLATFORM] as { name?: unknown } | undefined;
    const flags = roleFlags(p[CLAIM.ROLES]);
    const displayName = (
      str(p.name) ?? [str(p.given_name), str(p.family_name)].filter(Boolean).join(' ')
    ).slice(0, 200);
    const schoolId = await this.schoolOf(deployment, custom);
    const moduleId = str(custom.module_id)?.slice(0, 100) ?? null;
    const nrpsUrl = str(nrps?.context_memberships_url) ?? null;
    const contextId = str(context?.id);
    const resourceLinkId = str(link?.id) ?? null;
    const row: LtiLaunchEntity = {
      id: randomUUID(),
      platformId: platform.id,
      deploymentRowId: deployment.id,
      orgNodeId: schoolId,
      contextRowId: null,
      userId: '',
      messageType: claims.messageType,
      roles: flags.roles,
      learner: flags.learner,
      instructor: flags.instructor,
      admin: flags.admin,
      resourceLinkId,
      moduleId,
      agsLineItem: str(ags?.lineitem) ?? null,
      agsLineItems: str(ags?.lineitems) ?? null,
      agsScopes: Array.isArray(ags?.scope) ? (ags.scope as string[]) : null,
      nrpsUrl,
      locale: lang,
      returnUrl: str(presentation?.return_url) ?? null,
      deepLinking:
        claims.messageType === 'LtiDeepLinkingRequest'
          ? (p[CLAIM.DL_SETTINGS] as Record<string, unknown>)
          : null,
      platformName: (str(toolPlatform?.name) ?? platform.name).slice(0, 200),
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + LAUNCH_TTL_MS),
    };
    // One transaction: the login is used up only if the launch is recorded, and a replay finds
    // it used. Hand-built statements (FastSql): on SQLite it runs synchronously, start to end.
    const recorded = await this.withRetry(() =>
      this.sql.transaction(() =>
        this.recordTx(row, login, displayName, claims, {
          contextId,
          label: (str(context?.label) ?? '').slice(0, 255),
          title: (str(context?.title) ?? '').slice(0, 500),
          membershipsUrl: nrpsUrl,
          resourceLinkTitle: (str(link?.title) ?? '').slice(0, 500),
        }),
      ),
    );
    if (!recorded) {
      return null;
    }
    const launch = row;
    // The first page usually comes to this process right after the redirect: no reload.
    this.launches.remember(launch, displayName, recorded.contextTitle);
    this.touchDeployment(deployment.id);
    if (launch.instructor && launch.contextRowId && nrpsUrl) {
      const slot = Math.floor(Date.now() / 600_000);
      await this.queue.enqueue(
        JOB.NRPS_SYNC,
        { contextRowId: launch.contextRowId },
        { dedupeKey: `nrps:${launch.contextRowId}:${slot}`, maxAttempts: 5 },
      );
    }
    this.logger.log({
      msg: 'launch',
      launchId: launch.id,
      platformId: platform.id,
      messageType: launch.messageType,
      role: launch.admin ? 'admin' : launch.instructor ? 'instructor' : 'learner',
    });
    return launch;
  }

  /** The launch's writes, as one transaction (see record). Null when the login was used already. */
  private *recordTx(
    row: LtiLaunchEntity,
    login: LoginState,
    displayName: string,
    claims: { messageType: LtiMessageType; sub: string },
    c: {
      contextId: string | undefined;
      label: string;
      title: string;
      membershipsUrl: string | null;
      resourceLinkTitle: string;
    },
  ): SqlWork<{ contextTitle: string } | null> {
    const s = this.sql;
    // The login's row is written here, used: a second launch of the state finds its key taken.
    const consumed = yield s.insert(
      LtiLoginEntity,
      {
        state: login.key,
        nonce: this.states.nonceOf(login.key),
        platformId: login.platformId,
        storageTarget: login.storageTarget,
        params: null,
        expiresAt: login.expiresAt,
        usedAt: new Date(),
      },
      { onConflict: 'ignore' },
    );
    if (consumed.changes === 0) {
      return null;
    }
    // What exists already (user, class, resource link): one round trip instead of three.
    const found = yield this.lookup(row.platformId, claims.sub, c.contextId, row.resourceLinkId);
    const known = found.rows[0] ?? {};
    row.userId = yield* this.upsertUser(known, row.platformId, claims.sub, displayName);
    let contextTitle = '';
    if (c.contextId) {
      const ctx = yield* this.upsertContext(known, {
        platformId: row.platformId,
        deploymentRowId: row.deploymentRowId,
        contextId: c.contextId,
        label: c.label,
        title: c.title,
        orgNodeId: row.orgNodeId,
        membershipsUrl: c.membershipsUrl,
        launchId: row.id,
      });
      row.contextRowId = ctx.id;
      contextTitle = ctx.title;
      yield* this.upsertEnrolment(ctx.id, row.userId, row);
      if (row.resourceLinkId && claims.messageType === 'LtiResourceLinkRequest') {
        yield* this.upsertResourceLink(known, ctx.id, row.resourceLinkId, {
          title: c.resourceLinkTitle,
          moduleId: row.moduleId,
          lineItemUrl: row.agsLineItem,
        });
      }
    }
    yield s.insert(LtiLaunchEntity, row);
    return { contextTitle };
  }

  /** Two first launches of one class at once race on its unique keys: the loser retries. */
  private async withRetry<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (err) {
        const text = String((err as { code?: string; message?: string })?.code ?? '') + String(err);
        if (attempt >= 2 || !/23505|UNIQUE|unique/.test(text)) {
          throw err;
        }
      }
    }
  }

  /** Where each kind of launch goes. */
  routeFor(launch: LtiLaunchEntity, token = this.launches.tokenFor(launch.id)): string {
    const lt = encodeURIComponent(token);
    if (launch.messageType === 'LtiDeepLinkingRequest') {
      return `${LTI_PATHS.deepLink}?lt=${lt}`;
    }
    if (launch.instructor) {
      return `/teach/class?lt=${lt}`;
    }
    if (launch.admin) {
      return `/teach/school?lt=${lt}`;
    }
    if (!launch.moduleId) {
      throw new LaunchRejected(
        LtiErrorCode.LINK_WITHOUT_MODULE,
        'This link carries no module_id.',
        launch.locale,
        { launchId: launch.id },
      );
    }
    return `/play/${encodeURIComponent(launch.moduleId)}?lt=${lt}`;
  }

  private touchDeployment(id: string): void {
    const last = this.deploymentTouched.get(id) ?? 0;
    if (Date.now() - last < 300_000) {
      return;
    }
    this.deploymentTouched.set(id, Date.now());
    void this.dataSource
      .getRepository(LtiDeploymentEntity)
      .update({ id }, { lastLaunchAt: new Date() })
      .catch(() => undefined);
  }

  /**
   * The user, class and resource link a launch names, in one row (columns prefixed u_, c_, rl_;
   * null where there is no such row yet).
   */
  private lookup(
    platformId: string,
    sub: string,
    contextId: string | undefined,
    resourceLinkId: string | null,
  ): SqlStep {
    const s = this.sql;
    const u = (p: keyof LtiUserEntity): string => `u.${s.column(LtiUserEntity, p)}`;
    const c = (p: keyof LtiContextEntity): string => `c.${s.column(LtiContextEntity, p)}`;
    const rl = (p: keyof LtiResourceLinkEntity): string =>
      `rl.${s.column(LtiResourceLinkEntity, p)}`;
    return s.raw(
      `SELECT ${u('id')} AS u_id, ${u('displayName')} AS u_display_name, ` +
        `${c('id')} AS c_id, ${c('title')} AS c_title, ${c('label')} AS c_label, ` +
        `${c('orgNodeId')} AS c_org_node_id, ${c('membershipsUrl')} AS c_memberships_url, ` +
        `${c('serviceLaunchId')} AS c_service_launch_id, ` +
        `${rl('id')} AS rl_id, ${rl('title')} AS rl_title, ${rl('moduleId')} AS rl_module_id, ` +
        `${rl('lineItemUrl')} AS rl_line_item_url ` +
        `FROM (SELECT 1 AS one) x ` +
        `LEFT JOIN ${s.table(LtiUserEntity)} u ON ${u('platformId')} = ? AND ${u('sub')} = ? ` +
        `LEFT JOIN ${s.table(LtiContextEntity)} c ON ${c('platformId')} = ? AND ${c('contextId')} = ? ` +
        `LEFT JOIN ${s.table(LtiResourceLinkEntity)} rl ON ${rl('contextRowId')} = ${c('id')} AND ${rl('resourceLinkId')} = ?`,
      [platformId, sub, platformId, contextId ?? null, resourceLinkId],
    );
  }

  private *upsertUser(
    known: Record<string, unknown>,
    platformId: string,
    sub: string,
    displayName: string,
  ): SqlWork<string> {
    const s = this.sql;
    if (typeof known.u_id === 'string') {
      if (displayName && known.u_display_name !== displayName) {
        yield s.update(LtiUserEntity, { displayName }, { id: known.u_id });
      }
      return known.u_id;
    }
    const id = randomUUID();
    yield s.insert(LtiUserEntity, { id, platformId, sub, displayName });
    return id;
  }

  private *upsertContext(
    known: Record<string, unknown>,
    c: {
      platformId: string;
      deploymentRowId: string;
      contextId: string;
      label: string;
      title: string;
      orgNodeId: string | null;
      membershipsUrl: string | null;
      launchId: string;
    },
  ): SqlWork<{ id: string; title: string }> {
    const s = this.sql;
    if (typeof known.c_id === 'string') {
      const existing = {
        title: (known.c_title as string | null) ?? '',
        label: (known.c_label as string | null) ?? '',
        orgNodeId: (known.c_org_node_id as string | null) ?? null,
        membershipsUrl: (known.c_memberships_url as string | null) ?? null,
        serviceLaunchId: (known.c_service_launch_id as string | null) ?? null,
      };
      const patch: Partial<LtiContextEntity> = {};
      if (c.title && existing.title !== c.title) {
        patch.title = c.title;
      }
      if (c.label && existing.label !== c.label) {
        patch.label = c.label;
      }
      if (c.orgNodeId && existing.orgNodeId !== c.orgNodeId) {
        patch.orgNodeId = c.orgNodeId;
      }
      if (c.membershipsUrl && existing.membershipsUrl !== c.membershipsUrl) {
        patch.membershipsUrl = c.membershipsUrl;
        patch.serviceLaunchId = c.launchId;
      } else if (c.membershipsUrl && !existing.serviceLaunchId) {
        patch.serviceLaunchId = c.launchId;
      }
      if (Object.keys(patch).length > 0) {
        yield s.update(LtiContextEntity, patch, { id: known.c_id });
      }
      const title = patch.title ?? existing.title;
      const label = patch.label ?? existing.label;
      return { id: known.c_id, title: title || label || '' };
    }
    const id = randomUUID();
    yield s.insert(LtiContextEntity, {
      id,
      platformId: c.platformId,
      deploymentRowId: c.deploymentRowId,
      contextId: c.contextId,
      label: c.label,
      title: c.title,
      orgNodeId: c.orgNodeId,
      membershipsUrl: c.membershipsUrl,
      serviceLaunchId: c.membershipsUrl ? c.launchId : null,
      rosterSyncedAt: null,
    });
    return { id, title: c.title || c.label };
  }

  private *upsertEnrolment(
    contextRowId: string,
    userId: string,
    flags: { roles: string[]; learner: boolean; instructor: boolean },
  ): SqlWork<void> {
    const s = this.sql;
    const values = {
      roles: flags.roles,
      learner: flags.learner,
      instructor: flags.instructor,
      status: 'Active',
      lastLaunchAt: new Date(),
    };
    // Update in place (one statement on a relaunch); insert only when there was no row.
    const updated = yield s.update(LtiEnrolmentEntity, values, { contextRowId, userId });
    if (updated.changes === 0) {
      yield s.insert(LtiEnrolmentEntity, {
        id: randomUUID(),
        contextRowId,
        userId,
        rosterSeenAt: null,
        ...values,
      });
    }
  }

  private *upsertResourceLink(
    known: Record<string, unknown>,
    contextRowId: string,
    resourceLinkId: string,
    v: { title: string; moduleId: string | null; lineItemUrl: string | null },
  ): SqlWork<void> {
    const s = this.sql;
    // The looked-up link belongs to the looked-up class; a class made just now has none.
    if (typeof known.rl_id === 'string' && known.c_id === contextRowId) {
      const patch: Partial<LtiResourceLinkEntity> = {};
      if (v.title && v.title !== known.rl_title) {
        patch.title = v.title;
      }
      if (v.moduleId && v.moduleId !== known.rl_module_id) {
        patch.moduleId = v.moduleId;
      }
      if (v.lineItemUrl && v.lineItemUrl !== known.rl_line_item_url) {
        patch.lineItemUrl = v.lineItemUrl;
      }
      if (Object.keys(patch).length > 0) {
        yield s.update(LtiResourceLinkEntity, patch, { id: known.rl_id });
      }
      return;
    }
    yield s.insert(LtiResourceLinkEntity, {
      id: randomUUID(),
      contextRowId,
      resourceLinkId,
      ...v,
    });
  }
}

export function stateCookieName(state: string): string {
  return `sn_lti_state_${state.slice(0, 16)}`;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
