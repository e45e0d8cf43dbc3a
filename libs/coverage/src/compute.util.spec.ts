import { ancestorsInScope, contributionOf, delta, deriveUnit } from './compute.util';

const rules = {
  requirements: [
    { band: 'upper-primary' as const, minModules: 2, minShare: 0.5 },
    { band: 'early-primary' as const, minModules: 1, minShare: 0.5 },
  ],
  periodStart: '2026-09-05',
  periodEnd: '2027-05-31',
};

const base = {
  bands: ['early-primary', 'upper-primary'],
  unitType: 'school',
  completions: 0,
  offlineSessions: 0,
  reportStatus: 'none',
  reportOnTime: false,
};

describe('deriveUnit', () => {
  const early = new Date('2026-10-01T00:00:00Z');

  it('is not started until something is delivered', () => {
    expect(deriveUnit({ ...base, enrolledUp: 20 } as never, rules, early).status).toBe(
      'not_started',
    );
  });

  it('meets when every required band has its modules and its share of pupils', () => {
    const stat = {
      ...base,
      completions: 30,
      enrolledUp: 20,
      onlineReachedUp: 12,
      onlineCompletedUp: 10,
      modulesUp: 2,
      enrolledEp: 10,
      onlineReachedEp: 5,
      onlineCompletedEp: 5,
      modulesEp: 1,
    };
    const d = deriveUnit(stat, rules, early);
    expect(d.status).toBe('met');
    expect(d.fields).toMatchObject({ reachedUp: 12, completedUp: 10, reachedEp: 5 });
  });

  it('counts offline participants as completing only once the band has its modules, capped at enrolment', () => {
    const stat = {
      ...base,
      offlineSessions: 1,
      enrolledEp: 10,
      offlineReachedEp: 30,
      modulesEp: 1,
      enrolledUp: 10,
      offlineReachedUp: 8,
      modulesUp: 1,
    };
    const d = deriveUnit(stat, rules, early);
    expect(d.fields).toMatchObject({
      reachedEp: 10,
      completedEp: 10,
      reachedUp: 8,
      completedUp: 0,
    });
    expect(d.status).toBe('in_progress');
  });

  it('is at risk once the period has mostly passed with little progress, or after it ended', () => {
    const stat = {
      ...base,
      completions: 1,
      enrolledUp: 20,
      onlineReachedUp: 1,
      modulesUp: 1,
      enrolledEp: 10,
    };
    expect(deriveUnit(stat as never, rules, new Date('2027-03-01T00:00:00Z')).status).toBe(
      'at_risk',
    );
    expect(deriveUnit(stat as never, rules, new Date('2027-06-02T00:00:00Z')).status).toBe(
      'at_risk',
    );
  });

  it('holds a facility to the bands it declares pupils in', () => {
    const facility = {
      ...base,
      unitType: 'facility',
      bands: ['early-primary', 'upper-primary', 'lower-secondary', 'upper-secondary'],
      offlineSessions: 1,
      enrolledEp: 8,
      offlineReachedEp: 8,
      modulesEp: 1,
    };
    expect(deriveUnit(facility as never, rules, early).status).toBe('met');
  });
});

describe('contributions', () => {
  it('moves only what changed, and counts a report as received once submitted', () => {
    const a = contributionOf({
      status: 'in_progress',
      reportStatus: 'none',
      reportOnTime: false,
      reachedUp: 3,
    } as never);
    const b = contributionOf({
      status: 'met',
      reportStatus: 'submitted',
      reportOnTime: true,
      reachedUp: 5,
    } as never);
    expect(delta(a, b)).toEqual({ met: 1, received: 1, onTime: 1, reachedUp: 2 });
    expect(delta(null, a)).toMatchObject({ expected: 1, started: 1 });
  });

  it('counts a unit under the campaign node and the nodes between, not above', () => {
    expect(ancestorsInScope('/m/p/c/s/', 'p')).toEqual(['p', 'c']);
    expect(ancestorsInScope('/m/p/c/s/', 'x')).toEqual([]);
  });
});
