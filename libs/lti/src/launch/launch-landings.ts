import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { LaunchContext } from './launch.service';

/** What a landing page is given when the launch post answers with it directly. */
export interface LandingInput {
  launch: LaunchContext;
  /** The launch token the page's links and forms carry. */
  lt: string;
  /** The page's own address (`/play/<module>?lt=…`): a reload or a new window asks for it. */
  url: string;
}

export type LandingPage = (input: LandingInput, req: Request, res: Response) => Promise<void>;

/**
 * The page a learner's launch lands on, answered by the launch post itself instead of a 303 to
 * it (ADR 0107): one round trip less for every pupil. The app that owns the page registers it
 * (the lesson player); with none registered the launch redirects as before.
 */
@Injectable()
export class LaunchLandings {
  private learnerPage?: LandingPage;

  /** Registers the lesson's first page for learner launches of a module. */
  setLearnerPage(page: LandingPage): void {
    this.learnerPage = page;
  }

  learner(): LandingPage | undefined {
    return this.learnerPage;
  }
}
