import { BandRequirement, endOfDay, GRADE_BANDS, GradeBand } from '@lib/campaigns';
import type { SchoolStatEntity, SchoolStatus } from './entities/stats.entity';

/** Column suffix of each band in the stats tables. */
export const BAND_KEY: Record<GradeBand, 'Ep' | 'Up' | 'Ls' | 'Us'> = {
  'early-primary': 'Ep',
  'upper-primary': 'Up',
  'lower-secondary': 'Ls',
  'upper-secondary': 'Us',
};

const COUNT_FIELDS = [
  'expected',
  'started',
  'atRisk',
  'met',
  'received',
  'onTime',
  'approved',
  'completions',
  'offlineSessions',
] as const;

export const STUDENT_METRICS = ['enrolled', 'reached', 'completed'] as const;
export type StudentMetric = (typeof STUDENT_METRICS)[number];

/** Every field a unit adds to the nodes above it (and that rollup rows sum). */
export const CONTRIBUTION_FIELDS = [
  ...COUNT_FIELDS,
  ...GRADE_BANDS.flatMap((b) => STUDENT_METRICS.map((m) => `${m}${BAND_KEY[b]}`)),
] as readonly string[];

export type Contribution = Record<string, number>;

/** The counters of a unit, as stored. */
export type StatCounters = Pick<
  SchoolStatEntity,
  'bands' | 'unitType' | 'completions' | 'offlineSessions'
>;

export interface CampaignRules {
  requirements: BandRequirement[];
  periodStart: string;
  periodEnd: string;
}

const num = (stat: object, field: string): number =>
  Number((stat as Record<string, unknown>)[field] ?? 0);

export function minModulesOf(rules: CampaignRules, band: GradeBand): number {
  return rules.requirements.find((r) => r.band === band)?.minModules ?? 1;
}

/** Bands whose requirement the unit must meet. */
export function requiredBands(stat: StatCounters, rules: CampaignRules): GradeBand[] {
  const required = rules.requirements.map((r) => r.band).filter((b) => stat.bands.includes(b));
  if (stat.unitType === 'facility') {
    // A facility is held to the bands it declares children in (all of them until it does).
    const withPupils = required.filter((b) => num(stat, `enrolled${BAND_KEY[b]}`) > 0);
    return withPupils.length ? withPupils : required;
  }
  return required;
}

/**
 * Derives a unit's figures from its counters: reached and completed per band (online learners
 * plus offline participants, never above enrolment), progress, and status. The same function
 * runs on every delivery and in the rebuild, which is why both agree.
 */
export function deriveUnit(
  stat: StatCounters,
  rules: CampaignRules,
  now: Date,
): { fields: Record<string, number>; status: SchoolStatus; progress: number } {
  const fields: Record<string, number> = {};
  const meets: Partial<Record<GradeBand, boolean>> = {};
  const progressOf: Partial<Record<GradeBand, number>> = {};
  for (const band of GRADE_BANDS) {
    const k = BAND_KEY[band];
    const enrolled = num(stat, `enrolled${k}`);
    const modules = num(stat, `modules${k}`);
    const offline = num(stat, `offlineReached${k}`);
    const min = minModulesOf(rules, band);
    const cap = (v: number): number => (enrolled > 0 ? Math.min(enrolled, v) : v);
    const reached = cap(num(stat, `onlineReached${k}`) + offline);
    const completed = cap(num(stat, `onlineCompleted${k}`) + (modules >= min ? offline : 0));
    fields[`reached${k}`] = reached;
    fields[`completed${k}`] = completed;
    const req = rules.requirements.find((r) => r.band === band);
    if (req) {
      const needed = Math.ceil(req.minShare * enrolled - 1e-9);
      meets[band] = enrolled > 0 && modules >= req.minModules && completed >= needed;
      const moduleFactor = Math.min(1, modules / req.minModules);
      const shareFactor = needed > 0 ? Math.min(1, completed / needed) : enrolled > 0 ? 1 : 0;
      progressOf[band] = moduleFactor * shareFactor;
    }
  }
  const required = requiredBands(stat, rules);
  const progress = required.length
    ? required.reduce((s, b) => s + (progressOf[b] ?? 0), 0) / required.length
    : 0;
  let status: SchoolStatus;
  if (required.length > 0 && required.every((b) => meets[b])) {
    status = 'met';
  } else if (num(stat, 'completions') === 0 && num(stat, 'offlineSessions') === 0) {
    status = 'not_started';
  } else {
    const start = Date.parse(`${rules.periodStart}T00:00:00+07:00`);
    const end = endOfDay(rules.periodEnd).getTime();
    const elapsed = Math.min(1, Math.max(0, (now.getTime() - start) / Math.max(1, end - start)));
    status =
      now.getTime() >= end || (elapsed >= 0.5 && progress < elapsed) ? 'at_risk' : 'in_progress';
  }
  return { fields, status, progress: Math.round(progress * 10_000) / 10_000 };
}

/** What a unit adds to every node above it. */
export function contributionOf(stat: {
  status: SchoolStatus;
  reportStatus: string;
  reportOnTime: boolean;
}): Contribution {
  const received = stat.reportStatus === 'submitted' || stat.reportStatus === 'approved';
  const c: Contribution = {
    expected: 1,
    started: stat.status === 'not_started' ? 0 : 1,
    atRisk: stat.status === 'at_risk' ? 1 : 0,
    met: stat.status === 'met' ? 1 : 0,
    received: received ? 1 : 0,
    onTime: received && stat.reportOnTime ? 1 : 0,
    approved: stat.reportStatus === 'approved' ? 1 : 0,
    completions: num(stat, 'completions'),
    offlineSessions: num(stat, 'offlineSessions'),
  };
  for (const band of GRADE_BANDS) {
    for (const m of STUDENT_METRICS) {
      const f = `${m}${BAND_KEY[band]}`;
      c[f] = num(stat, f);
    }
  }
  return c;
}

export function zeroContribution(): Contribution {
  return Object.fromEntries(CONTRIBUTION_FIELDS.map((f) => [f, 0]));
}

/** after − before, only the fields that moved. */
export function delta(before: Contribution | null, after: Contribution | null): Contribution {
  const out: Contribution = {};
  for (const f of CONTRIBUTION_FIELDS) {
    const d = (after?.[f] ?? 0) - (before?.[f] ?? 0);
    if (d !== 0) {
      out[f] = d;
    }
  }
  return out;
}

export function addInto(target: Contribution, add: Contribution): void {
  for (const [f, v] of Object.entries(add)) {
    target[f] = (target[f] ?? 0) + v;
  }
}

/** Ids the unit is counted under: from the campaign's scope node down to its parent. */
export function ancestorsInScope(orgPath: string, scopeNodeId: string): string[] {
  const ids = orgPath.split('/').filter(Boolean);
  const from = ids.indexOf(scopeNodeId);
  return from < 0 ? [] : ids.slice(from, -1);
}

export function snake(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
