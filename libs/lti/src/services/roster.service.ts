import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LtiContextEntity, LtiEnrolmentEntity, LtiUserEntity } from '../entities/lti.entities';
import { SCOPE } from '../lti.constants';
import { roleFlags } from '../util/roles.util';
import { nextLink, PlatformHttp } from './platform-http.service';
import { PlatformRegistry } from './platform-registry.service';
import { text } from '../util/text.util';

/** A member of a class, from NRPS and launches. */
export interface RosterMember {
  /** Pseudonymous SafeNest user id. */
  userId: string;
  displayName: string;
  roles: string[];
  learner: boolean;
  instructor: boolean;
  /** NRPS status: Active, Inactive or Deleted. */
  status: string;
  /** Last launch into this class, null for members who never opened SafeNest. */
  lastLaunchAt: Date | null;
}

interface NrpsMember {
  user_id?: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  roles?: string[];
  status?: string;
}

const MAX_PAGES = 200;

/**
 * Names and Role Provisioning: syncs a class roster from the platform (paged by `Link:
 * rel="next"`), so class dashboards show who has not started and coverage knows enrolments.
 * E-mails in the answer are ignored.
 */
@Injectable()
export class RosterService {
  private readonly logger = new Logger(RosterService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly platforms: PlatformRegistry,
    private readonly http: PlatformHttp,
  ) {}

  async members(contextRowId: string): Promise<RosterMember[]> {
    const rows = await this.dataSource
      .getRepository(LtiEnrolmentEntity)
      .createQueryBuilder('e')
      .innerJoin(LtiUserEntity, 'u', 'u.id = e.userId')
      .select([
        'e.userId AS "userId"',
        'u.displayName AS "displayName"',
        'e.roles AS "roles"',
        'e.learner AS "learner"',
        'e.instructor AS "instructor"',
        'e.status AS "status"',
        'e.lastLaunchAt AS "lastLaunchAt"',
      ])
      .where('e.contextRowId = :contextRowId', { contextRowId })
      .orderBy('u.displayName', 'ASC')
      .getRawMany<Record<string, unknown>>();
    return rows.map((r) => ({
      userId: String(r.userId),
      displayName: text(r.displayName),
      roles:
        typeof r.roles === 'string' ? (JSON.parse(r.roles) as string[]) : (r.roles as string[]),
      learner: r.learner === true || r.learner === 1,
      instructor: r.instructor === true || r.instructor === 1,
      status: String(r.status),
      lastLaunchAt: r.lastLaunchAt ? new Date(r.lastLaunchAt as string) : null,
    }));
  }

  /**
   * Where the class list of a class stands: `none` when the platform offers no Names and Role
   * Provisioning for it, `pending` before the first sync has finished, `synced` after.
   */
  async state(contextRowId: string): Promise<'none' | 'pending' | 'synced'> {
    const context = await this.dataSource
      .getRepository(LtiContextEntity)
      .findOne({ where: { id: contextRowId }, select: ['id', 'membershipsUrl', 'rosterSyncedAt'] });
    if (!context?.membershipsUrl) {
      return 'none';
    }
    return context.rosterSyncedAt ? 'synced' : 'pending';
  }

  /** Active learners of a class (enrolment count for coverage). */
  async learnerCount(contextRowId: string): Promise<number> {
    return this.dataSource
      .getRepository(LtiEnrolmentEntity)
      .count({ where: { contextRowId, learner: true, status: 'Active' } });
  }

  /** Pulls the roster of a class; returns how many members the platform listed. */
  async sync(contextRowId: string): Promise<number> {
    const context = await this.dataSource
      .getRepository(LtiContextEntity)
      .findOne({ where: { id: contextRowId } });
    if (!context?.membershipsUrl) {
      return 0;
    }
    const platform = await this.platforms.get(context.platformId);
    const seen: NrpsMember[] = [];
    let url: string | undefined = context.membershipsUrl;
    for (let page = 0; url && page < MAX_PAGES; page++) {
      const res = await this.http.request(platform, [SCOPE.NRPS], url, {
        accept: 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json',
      });
      const body = (await res.json()) as { members?: NrpsMember[] };
      seen.push(...(body.members ?? []));
      url = nextLink(res.headers.get('link'));
    }
    const now = new Date();
    await this.dataSource.transaction(async (m) => {
      const users = m.getRepository(LtiUserEntity);
      const enrolments = m.getRepository(LtiEnrolmentEntity);
      for (const member of seen) {
        if (!member.user_id) {
          continue;
        }
        const name = (
          member.name ?? [member.given_name, member.family_name].filter(Boolean).join(' ')
        ).slice(0, 200);
        let user = await users.findOne({
          where: { platformId: context.platformId, sub: member.user_id },
        });
        if (!user) {
          user = users.create({
            id: randomUUID(),
            platformId: context.platformId,
            sub: member.user_id,
            displayName: name,
          });
          await users.insert(user);
        } else if (name && user.displayName !== name) {
          await users.update({ id: user.id }, { displayName: name });
        }
        const flags = roleFlags(member.roles);
        const values = {
          roles: flags.roles,
          learner: flags.learner && !flags.instructor,
          instructor: flags.instructor,
          status: member.status ?? 'Active',
          rosterSeenAt: now,
        };
        const existing = await enrolments.findOne({
          where: { contextRowId, userId: user.id },
          select: ['id'],
        });
        if (existing) {
          await enrolments.update({ id: existing.id }, values);
        } else {
          await enrolments.insert({
            id: randomUUID(),
            contextRowId,
            userId: user.id,
            lastLaunchAt: null,
            ...values,
          });
        }
      }
      // Members the platform no longer lists have left the class.
      await m
        .createQueryBuilder()
        .update(LtiEnrolmentEntity)
        .set({ status: 'Deleted' })
        .where(
          'context_row_id = :contextRowId AND roster_seen_at IS NOT NULL AND roster_seen_at < :now',
          {
            contextRowId,
            now,
          },
        )
        .execute();
      await m.getRepository(LtiContextEntity).update({ id: contextRowId }, { rosterSyncedAt: now });
    });
    this.logger.log({ msg: 'roster synced', contextRowId, members: seen.length });
    return seen.length;
  }
}
