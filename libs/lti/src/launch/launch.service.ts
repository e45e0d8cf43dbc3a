import { AppConfig, FastSql, InjectConfig } from '@lib/core';
import { Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { LtiContextEntity, LtiLaunchEntity, LtiUserEntity } from '../entities/lti.entities';
import { LtiErrorCode, LtiException } from '../lti.exception';

/** What a page needs to know about the launch it serves. */
export interface LaunchContext {
  launchId: string;
  /** Pseudonymous SafeNest user id (platform + sub). */
  userId: string;
  displayName: string;
  roles: { learner: boolean; instructor: boolean; admin: boolean };
  /** Short context roles as sent (Learner, Instructor, TeachingAssistant…). */
  contextRoles: string[];
  /** The school (org node) of the class; null while the deployment is unassigned. */
  schoolOrgNodeId: string | null;
  /** SafeNest id of the class (LTI context); null for launches outside a course. */
  contextId: string | null;
  contextTitle: string;
  /** The platform's resource link id. */
  resourceLinkId: string | null;
  moduleId: string | null;
  locale: 'vi' | 'en';
  platformId: string;
  platformName: string;
  messageType: string;
  returnUrl: string | null;
  /** Whether the platform offers grade passback (AGS) for this launch. */
  gradable: boolean;
  expiresAt: Date;
}

const CACHE_LIMIT = 5000;

/**
 * Per-launch tokens: `<launchId>.<HMAC>` carried as `lt` in URLs, forms and the X-Launch-Token
 * header instead of cookies, so two tabs of two courses keep their own context and blocked
 * third-party cookies do not matter after the launch.
 */
@Injectable()
export class LaunchService {
  private readonly cache = new Map<string, LaunchContext>();

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly sql: FastSql,
  ) {}

  tokenFor(launchId: string): string {
    return `${launchId}.${this.sign(launchId)}`;
  }

  /** The launch behind a token; throws LAUNCH_TOKEN_MISSING / _INVALID / LAUNCH_EXPIRED. */
  async resolve(token: string | undefined | null): Promise<LaunchContext> {
    if (!token) {
      throw new LtiException(LtiErrorCode.LAUNCH_TOKEN_MISSING, 'No launch token.');
    }
    const launchId = this.verify(token);
    if (!launchId) {
      throw new LtiException(LtiErrorCode.LAUNCH_TOKEN_INVALID, 'Launch token not valid.');
    }
    let context = this.cache.get(launchId);
    if (!context) {
      context = await this.load(launchId);
      this.put(launchId, context);
    }
    if (context.expiresAt.getTime() < Date.now()) {
      throw new LtiException(LtiErrorCode.LAUNCH_EXPIRED, 'Launch expired.', { launchId });
    }
    return context;
  }

  /**
   * The context of a launch this process has just recorded and signed the token of (the launch
   * post answering with the lesson, ADR 0107): from the cache, without checking our own HMAC again.
   */
  async recorded(launchId: string): Promise<LaunchContext> {
    return this.cache.get(launchId) ?? this.resolve(this.tokenFor(launchId));
  }

  /** Caches the context of a launch just recorded (saves the first page three reads). */
  remember(launch: LtiLaunchEntity, displayName: string, contextTitle: string): void {
    this.put(launch.id, this.contextOf(launch, displayName, contextTitle));
  }

  private put(launchId: string, context: LaunchContext): void {
    if (this.cache.size >= CACHE_LIMIT) {
      this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(launchId, context);
  }

  /** The launch row itself, whatever its token expiry (grades and rosters use it for days). */
  async launchRow(launchId: string): Promise<LtiLaunchEntity | null> {
    const [row] = await this.sql.find(
      LtiLaunchEntity,
      this.sql.select(LtiLaunchEntity, { id: launchId }, undefined, { limit: 1 }),
    );
    return row ?? null;
  }

  private async load(launchId: string): Promise<LaunchContext> {
    const launch = await this.launchRow(launchId);
    if (!launch) {
      throw new LtiException(LtiErrorCode.LAUNCH_TOKEN_INVALID, 'Unknown launch.', { launchId });
    }
    // A launch recorded by another process (or before a restart): three cached statements.
    const [[user], [context]] = await Promise.all([
      this.sql.find(
        LtiUserEntity,
        this.sql.select(LtiUserEntity, { id: launch.userId }, ['displayName'], { limit: 1 }),
      ),
      launch.contextRowId
        ? this.sql.find(
            LtiContextEntity,
            this.sql.select(LtiContextEntity, { id: launch.contextRowId }, ['title', 'label'], {
              limit: 1,
            }),
          )
        : Promise.resolve([]),
    ]);
    return this.contextOf(launch, user?.displayName ?? '', context?.title || context?.label || '');
  }

  private contextOf(
    launch: LtiLaunchEntity,
    displayName: string,
    contextTitle: string,
  ): LaunchContext {
    return {
      launchId: launch.id,
      userId: launch.userId,
      displayName,
      roles: { learner: launch.learner, instructor: launch.instructor, admin: launch.admin },
      contextRoles: launch.roles,
      schoolOrgNodeId: launch.orgNodeId,
      contextId: launch.contextRowId,
      contextTitle,
      resourceLinkId: launch.resourceLinkId,
      moduleId: launch.moduleId,
      locale: launch.locale,
      platformId: launch.platformId,
      platformName: launch.platformName,
      messageType: launch.messageType,
      returnUrl: launch.returnUrl,
      gradable: Boolean(
        (launch.agsLineItem || launch.agsLineItems) &&
        (launch.agsScopes ?? []).some((s) => s.endsWith('/scope/score')),
      ),
      expiresAt: new Date(launch.expiresAt),
    };
  }

  private sign(launchId: string): string {
    return createHmac('sha256', this.config.appSecret)
      .update(`lti-launch:${launchId}`)
      .digest('base64url');
  }

  private verify(token: string): string | null {
    const dot = token.indexOf('.');
    if (dot < 1 || token.length > 200) {
      return null;
    }
    const id = token.slice(0, dot);
    const expected = Buffer.from(this.sign(id));
    const actual = Buffer.from(token.slice(dot + 1));
    return expected.length === actual.length && timingSafeEqual(expected, actual) ? id : null;
  }
}
