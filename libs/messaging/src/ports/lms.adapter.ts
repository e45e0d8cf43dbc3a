import { AttemptsService, CatalogService, CurriculumModule } from '@lib/curricula';
import { LaunchContext, LaunchService, RosterService } from '@lib/lti';
import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { MessagingErrorCode, MessagingException } from '../messaging.exception';
import { Completion, ProgressSource } from './progress-source';

export interface ClassLearner {
  studentId: string;
  displayName: string;
}

/**
 * Reaches the LMS side (launches, rosters), the catalog and the progress source through
 * whatever the app has registered, looked up lazily: the worker has no HTTP launch routes, a
 * test may bind its own ProgressSource, and messaging never instantiates another lib's module.
 */
@Injectable()
export class LmsAdapter {
  private readonly logger = new Logger(LmsAdapter.name);
  private warnedProgress = false;

  constructor(private readonly moduleRef: ModuleRef) {}

  private find<T>(token: abstract new (...args: never[]) => T): T | undefined {
    try {
      return this.moduleRef.get<unknown, T>(token, { strict: false });
    } catch {
      return undefined;
    }
  }

  /** The launch behind an `lt` token (throws the LTI lib's own errors). */
  async launch(token: string | undefined): Promise<LaunchContext> {
    const launches = this.find(LaunchService);
    if (!launches) {
      throw new MessagingException(MessagingErrorCode.LTI_UNAVAILABLE, 'LTI is not set up here.');
    }
    return launches.resolve(token);
  }

  /** Active learners of a class (from launches and NRPS). */
  async learners(classId: string): Promise<ClassLearner[]> {
    const roster = this.find(RosterService);
    if (!roster) {
      throw new MessagingException(MessagingErrorCode.LTI_UNAVAILABLE, 'LTI is not set up here.');
    }
    const members = await roster.members(classId);
    return members
      .filter((m) => m.learner && m.status !== 'Deleted')
      .map((m) => ({ studentId: m.userId, displayName: m.displayName }));
  }

  get hasRoster(): boolean {
    return this.find(RosterService) !== undefined;
  }

  /** A bound ProgressSource wins (tests); otherwise the player's AttemptsService. */
  async completionsSince(studentIds: string[], since: Date): Promise<Completion[]> {
    const source: Pick<ProgressSource, 'completionsSince'> | undefined =
      this.find(ProgressSource) ?? this.find(AttemptsService);
    if (!source) {
      if (!this.warnedProgress) {
        this.warnedProgress = true;
        this.logger.warn({
          msg: 'no ProgressSource bound: progress digests and family notes are idle',
        });
      }
      return [];
    }
    return studentIds.length ? source.completionsSince({ studentIds, since }) : [];
  }

  module(moduleId: string): CurriculumModule | undefined {
    return this.find(CatalogService)?.find(moduleId);
  }

  get catalog(): CatalogService | undefined {
    return this.find(CatalogService);
  }
}
