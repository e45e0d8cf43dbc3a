import { Binding, Role } from '@lib/core';
import type { AgeBand } from './safeguarding.constants';

/**
 * Who may read a report: a safeguarding lead of the report's school, or — once the report has
 * escalated — a lead at the node it escalated to or any node between it and the school. A lead
 * higher up than the escalation (or any lead of a commune before escalation) may not, and no
 * other role may: not school admins, teachers or system admins (they see aggregates only).
 */
export function canReadReport(
  bindings: Binding[],
  schoolPath: string,
  escalationPath: string | null,
): boolean {
  const floor = escalationPath ?? schoolPath;
  return bindings.some(
    (b) =>
      b.role === Role.SAFEGUARDING_LEAD &&
      schoolPath.startsWith(b.orgPath) &&
      b.orgPath.startsWith(floor),
  );
}

export function leadBindings(bindings: Binding[]): Binding[] {
  return bindings.filter((b) => b.role === Role.SAFEGUARDING_LEAD);
}

/** The age band of a lesson module, from its id prefix (ep-, up-, ls-, us-). */
export function bandOfModule(moduleId: string | null | undefined): AgeBand | null {
  return BAND_PREFIXES[moduleId?.slice(0, 3) ?? ''] ?? null;
}

const BAND_PREFIXES: Record<string, AgeBand> = {
  'ep-': 'early-primary',
  'up-': 'upper-primary',
  'ls-': 'lower-secondary',
  'us-': 'upper-secondary',
};

/** The tone of the form: younger children, teenagers, or adults (the general form). */
export type FormTone = 'young' | 'teen' | 'adult';

export function toneOfBand(band: AgeBand | null): FormTone {
  switch (band) {
    case 'early-primary':
    case 'upper-primary':
      return 'young';
    case 'lower-secondary':
    case 'upper-secondary':
      return 'teen';
    case null:
      return 'adult';
  }
}
