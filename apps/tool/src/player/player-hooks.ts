import { AttemptGradedEvent, AttemptHooks } from '@lib/curricula';
import { DeliveryService } from '@lib/coverage';
import { GradePassbackService } from '@lib/lti';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * What commits together with a grade (architecture: attempt → grade → coverage in one
 * transaction): the LMS score (an outbox row the worker posts by AGS) and the coverage
 * delivery. Lives in the app because @lib/curricula may not import @lib/lti (see ADR 0200).
 */
@Injectable()
export class PlayerGradeHooks implements OnModuleInit {
  private readonly logger = new Logger(PlayerGradeHooks.name);

  constructor(
    private readonly hooks: AttemptHooks,
    private readonly grades: GradePassbackService,
    private readonly deliveries: DeliveryService,
  ) {}

  onModuleInit(): void {
    this.hooks.register({
      name: 'lti-grade-passback',
      attemptGraded: (manager, event) => this.passback(manager, event),
    });
    this.hooks.register({
      name: 'coverage-delivery',
      attemptGraded: (manager, event) => this.coverage(manager, event),
    });
  }

  /** The score the link keeps (best or latest, per the teacher's policy) goes to the gradebook. */
  private async passback(manager: EntityManager, event: AttemptGradedEvent): Promise<void> {
    if (!event.learner.gradable) {
      return; // a link without a gradebook column: nothing to send, nothing to fail
    }
    await this.grades.recordScore(manager, {
      launchId: event.learner.launchId,
      attemptId: event.attemptId,
      scoreGiven: event.kept.earned,
      scoreMaximum: event.maxPoints,
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
    });
  }

  /**
   * Coverage counts the completion in a savepoint: a coverage fault (a school closed since the
   * launch, a campaign misconfigured) must not stop a child from handing in; it is logged with ids.
   */
  private async coverage(manager: EntityManager, event: AttemptGradedEvent): Promise<void> {
    const schoolOrgNodeId = event.learner.schoolOrgNodeId;
    if (!schoolOrgNodeId) {
      return;
    }
    try {
      await manager.transaction((inner) =>
        this.deliveries.recordCompletion(inner, {
          schoolOrgNodeId,
          moduleId: event.moduleId,
          band: event.band,
          learnerKey: event.learner.userId,
          completedAt: event.submittedAt,
          scorePercent: event.percent,
        }),
      );
    } catch (err) {
      this.logger.error({
        msg: 'coverage delivery not recorded',
        attemptId: event.attemptId,
        schoolOrgNodeId,
        moduleId: event.moduleId,
        err: err instanceof Error ? err.message : String(err),
      });
    }
  }
}
