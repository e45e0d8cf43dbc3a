import { FieldEncryptionService } from '@lib/core';
import { Injectable } from '@nestjs/common';
import type { AgeBand } from './safeguarding.constants';

/** What the "I need help" link of a lesson tells the form (from the LTI launch). */
export interface HelpLaunch {
  /** The pupil's school; null while the LMS deployment is not mapped to a school. */
  schoolOrgNodeId: string | null;
  /** Pseudonymous SafeNest user id. */
  userId: string;
  /** The name the LMS sent (shown back to the pupil only if they ask to be contacted). */
  displayName: string;
  locale: 'vi' | 'en';
  /** The lesson module open in the player, which tells the age band. */
  moduleId: string | null;
  /**
   * Whether the launch is a pupil's. Staff launches (teachers, school admins) get the adult form
   * of their school instead: they report as adults, not as the pupil of a lesson.
   */
  learner: boolean;
}

/**
 * Port to the launch behind a `lt` token (implemented with @lib/lti's LaunchService in the tool).
 * Returns null when the token is missing, invalid or expired: the form then falls back to the
 * general one, where the school is chosen by hand — a child is never turned away.
 */
export abstract class HelpLaunchResolver {
  abstract resolve(token: string): Promise<HelpLaunch | null>;
}

/** The launch facts the form carries from the GET to the POST (sealed). */
export interface HelpContext {
  schoolOrgNodeId: string;
  band: AgeBand | null;
  userId: string;
  displayName: string;
  lang: 'vi' | 'en';
  /** The lesson the pupil came from, for the way back after sending (or after an error). */
  moduleId?: string | null;
}

const TTL_MS = 24 * 3_600_000;
const AAD = 'sg-help-context';

/**
 * Seals the launch context into the form (AES-GCM): the POST does not depend on the launch
 * token still being valid (a pupil may take a long time to write), and it cannot be altered
 * or read by the page.
 */
@Injectable()
export class HelpContextSealer {
  constructor(private readonly crypto: FieldEncryptionService) {}

  seal(ctx: HelpContext, now = Date.now()): string {
    return this.crypto.encryptJson({ ...ctx, exp: now + TTL_MS }, AAD);
  }

  open(sealed: unknown, now = Date.now()): HelpContext | null {
    if (typeof sealed !== 'string' || sealed.length > 2000) {
      return null;
    }
    try {
      const v = this.crypto.decryptJson<HelpContext & { exp: number }>(sealed, AAD);
      if (v.exp < now) {
        return null;
      }
      return {
        schoolOrgNodeId: v.schoolOrgNodeId,
        band: v.band,
        userId: v.userId,
        displayName: v.displayName,
        lang: v.lang,
        moduleId: v.moduleId ?? null,
      };
    } catch {
      return null;
    }
  }
}
