/** A completed module attempt, as the lesson player reports it. */
export interface Completion {
  studentId: string;
  moduleId: string;
  completedAt: Date;
  scorePercent: number;
  passed: boolean;
}

/**
 * Where learning progress comes from. By default the player's `AttemptsService` (same shape),
 * found in whatever module provides it; binding this token overrides it (tests, other sources).
 */
export abstract class ProgressSource {
  abstract completionsSince(query: { studentIds: string[]; since: Date }): Promise<Completion[]>;
}
