import { SCHOOL_TZ_OFFSET_MINUTES } from './safeguarding.constants';

const pad = (n: number): string => String(n).padStart(2, '0');

/** `HH:mm dd/MM/yyyy` in Vietnam time, the way schools write dates. */
export function formatVnDateTime(d: Date): string {
  const l = new Date(d.getTime() + SCHOOL_TZ_OFFSET_MINUTES * 60_000);
  return `${pad(l.getUTCHours())}:${pad(l.getUTCMinutes())} ${pad(l.getUTCDate())}/${pad(
    l.getUTCMonth() + 1,
  )}/${l.getUTCFullYear()}`;
}

/** "2 h 15 min" style duration, for SLA timers. */
export function formatDuration(minutes: number): { h: number; m: number; d: number } {
  const abs = Math.abs(minutes);
  return { d: Math.floor(abs / 1440), h: Math.floor((abs % 1440) / 60), m: abs % 60 };
}
