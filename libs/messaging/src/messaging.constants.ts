/** Job names of the parent channel. Payloads are ids only. */
export const MESSAGING_JOBS = {
  /** `{ messageId }`: at the send time, checks quiet hours and queues the batches. */
  dispatch: 'messaging.dispatch',
  /** `{ batchId }`: delivers one batch of recipients. */
  deliver: 'messaging.deliver',
  /** Periodic: takes over batches of dead workers, sends due digests and family notes. */
  tick: 'messaging.tick',
  /** `{ importId }`: a parents CSV/XLSX import (dry run or real). */
  import: 'messaging.import',
  /** `{ slot }`: daily digests due in this slot. */
  digests: 'messaging.digests',
  /** `{ slot }`: family notes of classes that completed a module, weekly progress digests. */
  progress: 'messaging.progress',
} as const;

/** Version of the consent texts in consent.text.ts; stored with every consent. */
export const CONSENT_TEXT_VERSION = '2026-11';

/** Parent portal cookie. */
export const PARENT_SESSION_COOKIE = 'sn_parent';
export const PARENT_SESSION_DAYS = 30;
export const MAGIC_LINK_MINUTES = 30;
export const INVITE_CODE_DAYS = 120;

/** A recipient whose channel keeps failing is given up after this many attempts. */
export const MAX_RECIPIENT_ATTEMPTS = 6;

/** Share of a class's learners that must have completed a module before its family note goes out. */
export const FAMILY_NOTE_CLASS_SHARE = 0.8;

/** Parents live in Vietnam; digests are timed in this zone. */
export const PARENT_TIMEZONE = 'Asia/Ho_Chi_Minh';
