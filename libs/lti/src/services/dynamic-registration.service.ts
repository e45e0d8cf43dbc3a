import { AppConfig, I18n, InjectConfig, negotiateLang } from '@lib/core';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { CLAIM, LTI_PATHS, SCOPE } from '../lti.constants';
import { LtiErrorCode, LtiException } from '../lti.exception';
import { ltiViews } from '../launch/lti-exception.filter';
import { LtijsService } from './ltijs.service';
import { LtiUrls } from './lti-urls.service';
import { PlatformInfo, PlatformRegistry } from './platform-registry.service';
import { text } from '../util/text.util';

interface OpenIdConfiguration {
  issuer?: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  jwks_uri?: string;
  registration_endpoint?: string;
  authorization_server?: string;
  scopes_supported?: string[];
  claims_supported?: string[];
  [CLAIM.PLATFORM_CONFIGURATION]?: { product_family_code?: string; version?: string };
}

const WANTED_SCOPES = [
  SCOPE.LINEITEM,
  SCOPE.LINEITEM_READONLY,
  SCOPE.RESULT_READONLY,
  SCOPE.SCORE,
  SCOPE.NRPS,
];
/** Only what SafeNest needs: no e-mail. */
const WANTED_CLAIMS = ['iss', 'sub', 'name', 'given_name', 'family_name', 'locale'];

/**
 * LTI Dynamic Registration (served at /lti/register through ltijs's route). Differs from
 * ltijs's own flow where real platforms need it: the registration token is also sent when
 * reading the OpenID configuration (Moodle answers 401 without it), scopes and claims are only
 * those the platform supports (Canvas answers 422 otherwise), the deployment id of the answer
 * is recorded, and re-registering the same client updates instead of failing.
 */
@Injectable()
export class DynamicRegistrationService implements OnModuleInit {
  private readonly logger = new Logger('LtiDynamicRegistration');

  constructor(
    private readonly ltijs: LtijsService,
    private readonly platforms: PlatformRegistry,
    private readonly urls: LtiUrls,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.ltijs.setDynamicRegistrationHandler((req, res, next) => this.handle(req, res, next));
  }

  private async handle(req: Request, res: Response, next: NextFunction): Promise<void> {
    const lang = negotiateLang(req);
    // Read the query from the URL: ltijs's express 4 app has swapped the request's prototype.
    const q = new URL(req.originalUrl ?? req.url, 'http://x').searchParams;
    try {
      const configUrl = q.get('openid_configuration') ?? '';
      const token = q.get('registration_token') ?? undefined;
      const platform = await this.register(configUrl, token);
      res
        .status(200)
        .type('html')
        .send(
          ltiViews.page(
            'dynreg-done',
            { title: 'SafeNest', lang, embedded: true, scripts: ['/static/lti-dynreg.js'] },
            { message: I18n.t(lang, platform.active ? 'lti.dynreg.done' : 'lti.dynreg.pending') },
          ),
        );
    } catch (err) {
      if (err instanceof LtiException) {
        res
          .status(err.status)
          .type('html')
          .send(
            ltiViews.page(
              'lti-error',
              { title: I18n.t(lang, 'lti.error.title'), lang, embedded: true },
              {
                reason: I18n.t(lang, `lti.reason.${err.reason}`),
                fix: I18n.t(lang, `lti.fix.${err.reason}`),
                code: err.reason,
              },
            ),
          );
        return;
      }
      next(err);
    }
  }

  async register(configUrl: string, registrationToken?: string): Promise<PlatformInfo> {
    const fail = (why: string, details: Record<string, unknown> = {}): never => {
      this.logger.warn({
        msg: 'dynamic registration failed',
        reason: LtiErrorCode.DYNREG_FAILED,
        why,
        ...details,
      });
      throw new LtiException(
        LtiErrorCode.DYNREG_FAILED,
        `Dynamic registration failed: ${why}`,
        details,
      );
    };
    let configOrigin: string;
    try {
      configOrigin = new URL(configUrl).origin;
    } catch {
      return fail('openid_configuration is not a URL');
    }
    const auth: Record<string, string> = registrationToken
      ? { Authorization: `Bearer ${registrationToken}` }
      : {};
    const configRes = await fetch(configUrl, {
      headers: { Accept: 'application/json', ...auth },
      signal: AbortSignal.timeout(10_000),
    }).catch((err: unknown) => fail(`configuration unreachable (${String(err)})`));
    if (!configRes.ok) {
      return fail('configuration request refused', { status: configRes.status });
    }
    const config = (await configRes.json()) as OpenIdConfiguration;
    if (
      !config.issuer ||
      !config.registration_endpoint ||
      !config.authorization_endpoint ||
      !config.token_endpoint ||
      !config.jwks_uri
    ) {
      return fail('configuration lacks issuer or endpoints');
    }
    if (new URL(config.issuer).origin !== configOrigin) {
      return fail('issuer and configuration URL differ in origin');
    }
    const launchUrl = this.urls.url(LTI_PATHS.launch);
    const scopes = config.scopes_supported
      ? WANTED_SCOPES.filter((s) => config.scopes_supported!.includes(s))
      : WANTED_SCOPES;
    const claims = config.claims_supported
      ? WANTED_CLAIMS.filter((c) => config.claims_supported!.includes(c))
      : WANTED_CLAIMS;
    const registration = {
      application_type: 'web',
      response_types: ['id_token'],
      grant_types: ['implicit', 'client_credentials'],
      initiate_login_uri: this.urls.url(LTI_PATHS.login),
      redirect_uris: [launchUrl],
      client_name: 'SafeNest',
      jwks_uri: this.urls.url(LTI_PATHS.keys),
      token_endpoint_auth_method: 'private_key_jwt',
      scope: scopes.join(' '),
      [CLAIM.TOOL_CONFIGURATION]: {
        domain: new URL(this.urls.publicBase).host,
        description: 'Online-safety lessons with graded checks / Bài học an toàn trên mạng',
        target_link_uri: launchUrl,
        claims,
        messages: [
          { type: 'LtiResourceLinkRequest', target_link_uri: launchUrl },
          { type: 'LtiDeepLinkingRequest', target_link_uri: launchUrl, label: 'SafeNest' },
        ],
      },
    };
    const regRes = await fetch(config.registration_endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...auth },
      body: JSON.stringify(registration),
      signal: AbortSignal.timeout(10_000),
    }).catch((err: unknown) => fail(`registration endpoint unreachable (${String(err)})`));
    if (!regRes.ok) {
      return fail('registration refused by the platform', { status: regRes.status });
    }
    const answer = (await regRes.json()) as Record<string, unknown>;
    const clientId = typeof answer.client_id === 'string' ? answer.client_id : undefined;
    if (!clientId) {
      return fail('the platform returned no client_id');
    }
    const deploymentId = (
      answer[CLAIM.TOOL_CONFIGURATION] as { deployment_id?: unknown } | undefined
    )?.deployment_id;
    const isSandbox = config.issuer === this.urls.url('/sandbox');
    const family = config[CLAIM.PLATFORM_CONFIGURATION]?.product_family_code ?? 'lms';
    const info = await this.platforms.register({
      issuer: config.issuer,
      clientId,
      name: isSandbox ? 'SafeNest sandbox LMS' : `${family} (${new URL(config.issuer).host})`,
      authEndpoint: config.authorization_endpoint,
      tokenEndpoint: config.token_endpoint,
      authorizationServer: config.authorization_server ?? config.token_endpoint,
      authConfig: { method: 'JWK_SET', key: config.jwks_uri },
      active: isSandbox || this.config.lti.dynregAutoActivate,
      registeredVia: isSandbox ? 'sandbox' : 'dynamic',
      deploymentIds:
        deploymentId !== undefined && deploymentId !== null ? [text(deploymentId)] : [],
      // Canvas names no deployment at registration: accept its deployments as they appear.
      acceptNewDeployments: deploymentId === undefined || deploymentId === null,
    });
    return info;
  }
}
