import { addSchoolDay, minutesUntil, triageDueAt } from './sla.util';

// Vietnam is UTC+7: 08:00 local = 01:00Z.
const vn = (isoLocal: string): Date => new Date(`${isoLocal}+07:00`);

describe('school-day deadlines', () => {
  it('gives a weekday report 24 hours', () => {
    // 2026-11-24 is a Tuesday.
    expect(addSchoolDay(vn('2026-11-24T09:30:00'))).toEqual(vn('2026-11-25T09:30:00'));
  });

  it('skips the weekend for a Friday report', () => {
    expect(addSchoolDay(vn('2026-11-27T15:00:00'))).toEqual(vn('2026-11-30T15:00:00'));
  });

  it('starts a weekend report on Monday morning', () => {
    expect(addSchoolDay(vn('2026-11-28T10:00:00'))).toEqual(vn('2026-12-01T00:00:00'));
    expect(addSchoolDay(vn('2026-11-29T23:59:00'))).toEqual(vn('2026-12-01T00:00:00'));
  });

  it('uses Vietnam time, not UTC, to tell the day', () => {
    // Friday 23:30 UTC is already Saturday 06:30 in Vietnam.
    expect(addSchoolDay(new Date('2026-11-27T23:30:00Z'))).toEqual(vn('2026-12-01T00:00:00'));
  });

  it('gives imminent danger 30 minutes, whatever the day', () => {
    const sat = vn('2026-11-28T10:00:00');
    expect(triageDueAt(sat, true)).toEqual(vn('2026-11-28T10:30:00'));
    expect(triageDueAt(sat, false)).toEqual(vn('2026-12-01T00:00:00'));
  });

  it('counts minutes left, negative when overdue', () => {
    const now = vn('2026-11-24T10:00:00');
    expect(minutesUntil(vn('2026-11-24T11:30:00'), now)).toBe(90);
    expect(minutesUntil(vn('2026-11-24T09:00:00'), now)).toBe(-60);
  });
});
