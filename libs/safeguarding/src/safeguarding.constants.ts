/** Where a concern report is in its handling; moves forward only (see {@link nextStates}). */
export enum ConcernState {
  NEW = 'new',
  ACKNOWLEDGED = 'acknowledged',
  IN_PROGRESS = 'in_progress',
  REFERRED = 'referred',
  CLOSED = 'closed',
}

export const STATE_ORDER: readonly ConcernState[] = [
  ConcernState.NEW,
  ConcernState.ACKNOWLEDGED,
  ConcernState.IN_PROGRESS,
  ConcernState.REFERRED,
  ConcernState.CLOSED,
];

/** The four online risks (ITU/UNICEF COP 2020), in plain words on the form, plus "not sure". */
export enum ConcernCategory {
  CONTENT = 'content',
  CONTACT = 'contact',
  CONDUCT = 'conduct',
  CONTRACT = 'contract',
  OTHER = 'other',
}

/** Which door the report came through. */
export enum ConcernSource {
  /** A pupil, from the lesson player (launch context). */
  PLAYER = 'player',
  /** Anyone on the public form (usually a parent), signed out. */
  WEB = 'web',
  /** An online service through the intake API. */
  SERVICE = 'service',
}

export enum ReferralTarget {
  HOTLINE_111 = 'hotline_111',
  POLICE = 'police',
  HEALTH = 'health',
}

export enum ContactMethod {
  NONE = 'none',
  EMAIL = 'email',
  PHONE = 'phone',
  /** A pupil asks the school's lead to talk to them at school. */
  AT_SCHOOL = 'at_school',
}

export enum ReporterRelation {
  SELF = 'self',
  FRIEND = 'friend',
  PARENT = 'parent',
  RELATIVE = 'relative',
  TEACHER = 'teacher',
  OTHER = 'other',
  SERVICE = 'service',
}

/** Who wrote an audit entry. */
export enum AuditActorKind {
  ACCOUNT = 'account',
  REPORTER = 'reporter',
  SERVICE = 'service',
  SYSTEM = 'system',
}

export enum AuditAction {
  CREATED = 'created',
  READ = 'read',
  NOTES_READ = 'notes_read',
  AUDIT_READ = 'audit_read',
  STATE_CHANGED = 'state_changed',
  NOTE_ADDED = 'note_added',
  LEAD_NOTIFIED = 'lead_notified',
  ESCALATED = 'escalated',
  OUTCOME_SET = 'outcome_set',
  REPORTER_NOTIFIED = 'reporter_notified',
  STATUS_CHECKED = 'status_checked',
  ERASED = 'erased',
  DUPLICATE_SUBMISSION = 'duplicate_submission',
  /** A signed-in account tried to open or change a report it may not (refused, 403). */
  ACCESS_REFUSED = 'access_refused',
  /** A lead handed the report up to the next level's leads. */
  HANDED_OFF = 'handed_off',
  /** Nobody is lead at the school or above: the school's admins were told (no content). */
  ADMIN_ALERTED = 'admin_alerted',
  /** The reporter took back their contact details (and name) with their code. */
  CONTACT_WITHDRAWN = 'contact_withdrawn',
}

/** Age bands of the curricula (module ids start with their prefix). */
export type AgeBand = 'early-primary' | 'upper-primary' | 'lower-secondary' | 'upper-secondary';

export const JOB_NOTIFY_LEADS = 'safeguarding.notify-leads';
export const JOB_NOTIFY_LEAD = 'safeguarding.notify-lead';
export const JOB_NOTIFY_REPORTER = 'safeguarding.notify-reporter';
export const JOB_NOTIFY_UNASSIGNED = 'safeguarding.notify-unassigned';
export const JOB_SLA_CHECK = 'safeguarding.sla-check';
export const JOB_RETENTION = 'safeguarding.retention';

/** Longest free text a report accepts (characters, after trimming). */
export const LIMITS = {
  description: 4000,
  platform: 200,
  url: 2000,
  involved: 500,
  when: 40,
  name: 200,
  email: 254,
  phone: 30,
  contactNote: 300,
  note: 4000,
  outcome: 2000,
  externalId: 128,
} as const;

/** An imminent-danger report escalates if no lead has acknowledged it within this time. */
export const URGENT_ACK_MINUTES = 30;

/** Vietnam has one time zone and no daylight saving: UTC+7. */
export const SCHOOL_TZ_OFFSET_MINUTES = 7 * 60;
