/** Hours and minutes of an instant in a time zone. */
export function localTime(
  at: Date,
  timeZone: string,
): { hour: number; minute: number; day: string } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(at);
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '00';
  return {
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    day: `${get('year')}-${get('month')}-${get('day')}`,
  };
}

export function parseHhMm(value: string): number | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/**
 * If `at` falls in the quiet hours [start, end) of the zone (which may wrap past midnight),
 * the instant they end; otherwise undefined. Start equal to end means no quiet hours.
 */
export function quietUntil(
  at: Date,
  settings: { timezone: string; quietStart: string; quietEnd: string },
): Date | undefined {
  const start = parseHhMm(settings.quietStart);
  const end = parseHhMm(settings.quietEnd);
  if (start === undefined || end === undefined || start === end) {
    return undefined;
  }
  const { hour, minute } = localTime(at, settings.timezone);
  const now = hour * 60 + minute;
  const inQuiet = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inQuiet) {
    return undefined;
  }
  const minutesLeft = (end - now + 1440) % 1440 || 1440;
  const until = new Date(at.getTime() + minutesLeft * 60_000);
  until.setUTCSeconds(0, 0);
  return until;
}

/** The Monday (YYYY-MM-DD, in the zone) of the week containing `at`. */
export function weekStart(at: Date, timeZone: string): string {
  const { day } = localTime(at, timeZone);
  const d = new Date(`${day}T00:00:00Z`);
  const dow = (d.getUTCDay() + 6) % 7; // Monday = 0
  d.setUTCDate(d.getUTCDate() - dow);
  return d.toISOString().slice(0, 10);
}
