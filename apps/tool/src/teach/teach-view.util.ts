import type { CheckScores } from '@lib/curricula';

/**
 * A spreadsheet cell that cannot run as a formula: text starting with = + - @ or a control
 * character is prefixed with an apostrophe (CSV injection), numbers stay numbers.
 */
export function safeCell(value: string | number | null | undefined): string | number {
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value === 'number') {
    return value;
  }
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export interface GainSummary {
  band: string;
  pre: number | null;
  post: number | null;
  /** Pupils with both checks. */
  pairs: number;
  /** Mean of (post − pre) over the pairs, in percentage points. */
  gain: number | null;
  preCount: number;
  postCount: number;
}

const mean = (values: number[]): number | null =>
  values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10 : null;

/** Learning gain per band from pre/post check scores. */
export function gainByBand(scores: CheckScores[]): GainSummary[] {
  const bands = [...new Set(scores.map((s) => s.band))].sort();
  return bands.map((band) => {
    const own = scores.filter((s) => s.band === band);
    const pairs = own.filter((s) => s.pre !== null && s.post !== null);
    return {
      band,
      pre: mean(own.flatMap((s) => (s.pre === null ? [] : [s.pre]))),
      post: mean(own.flatMap((s) => (s.post === null ? [] : [s.post]))),
      pairs: pairs.length,
      gain: mean(pairs.map((s) => (s.post as number) - (s.pre as number))),
      preCount: own.filter((s) => s.pre !== null).length,
      postCount: own.filter((s) => s.post !== null).length,
    };
  });
}
