import { OrgType, SchoolLevel } from '@lib/orgs';

/** The four grade bands of the curricula (curricula/bands.yaml). */
export const GRADE_BANDS = [
  'early-primary',
  'upper-primary',
  'lower-secondary',
  'upper-secondary',
] as const;
export type GradeBand = (typeof GRADE_BANDS)[number];

export const BAND_GRADES: Record<GradeBand, number[]> = {
  'early-primary': [1, 2],
  'upper-primary': [3, 4, 5],
  'lower-secondary': [6, 7, 8, 9],
  'upper-secondary': [10, 11, 12],
};

export const isGradeBand = (v: unknown): v is GradeBand =>
  typeof v === 'string' && (GRADE_BANDS as readonly string[]).includes(v);

/** The bands a school teaches, from its levels (cấp học). */
export function bandsOfLevels(levels: SchoolLevel[]): GradeBand[] {
  const out: GradeBand[] = [];
  if (levels.includes(SchoolLevel.PRIMARY)) {
    out.push('early-primary', 'upper-primary');
  }
  if (levels.includes(SchoolLevel.LOWER_SECONDARY)) {
    out.push('lower-secondary');
  }
  if (levels.includes(SchoolLevel.UPPER_SECONDARY)) {
    out.push('upper-secondary');
  }
  return out;
}

export const REPORTING_TYPES = [OrgType.SCHOOL, OrgType.FACILITY] as const;

export type PeriodKind = 'school_year' | 'semester' | 'custom';
export const PERIOD_KINDS: readonly PeriodKind[] = ['school_year', 'semester', 'custom'];

/** What a school must reach in one band. */
export interface BandRequirement {
  band: GradeBand;
  /** Distinct modules delivered to the band (online or offline). */
  minModules: number;
  /** Share of enrolled pupils who completed at least `minModules` modules, 0–1. */
  minShare: number;
}

const DAY = 86_400_000;

/** Adds days to an ISO date. */
export function addDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** The instant a day ends (next midnight UTC+7, Vietnam's time, where schools keep their dates). */
export function endOfDay(isoDate: string): Date {
  return new Date(Date.parse(`${isoDate}T00:00:00+07:00`) + DAY);
}

/** Today in Vietnam (UTC+7). */
export function vnToday(now = new Date()): string {
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}
