import { Injectable, Logger } from '@nestjs/common';
import type { AttemptGradedHook } from '../models/player.model';

/**
 * The registry of {@link AttemptGradedHook}s. Apps register theirs at start-up (e.g. grade
 * passback and coverage in apps/tool), so this lib needs neither @lib/lti nor @lib/coverage.
 */
@Injectable()
export class AttemptHooks {
  private readonly logger = new Logger(AttemptHooks.name);
  private readonly hooks: AttemptGradedHook[] = [];

  register(hook: AttemptGradedHook): void {
    if (this.hooks.some((h) => h.name === hook.name)) {
      return;
    }
    this.hooks.push(hook);
    this.logger.log({ msg: 'attempt hook registered', hook: hook.name });
  }

  list(): readonly AttemptGradedHook[] {
    return this.hooks;
  }
}
