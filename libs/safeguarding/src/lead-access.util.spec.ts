import { Binding, Role } from '@lib/core';
import { bandOfModule, canReadReport, toneOfBand } from './lead-access.util';

const school = '/m/p/c/s/';
const lead = (orgPath: string, role = Role.SAFEGUARDING_LEAD): Binding => ({
  role,
  orgPath,
  orgNodeId: orgPath.split('/').filter(Boolean).pop()!,
});

describe('who reads a concern report', () => {
  it("lets the school's lead read it, and nobody else before escalation", () => {
    expect(canReadReport([lead(school)], school, null)).toBe(true);
    expect(canReadReport([lead('/m/p/c/')], school, null)).toBe(false);
    expect(canReadReport([lead('/m/p/c/s2/')], school, null)).toBe(false);
  });

  it('opens it to the escalation level and the levels between, not above', () => {
    expect(canReadReport([lead('/m/p/c/')], school, '/m/p/c/')).toBe(true);
    expect(canReadReport([lead(school)], school, '/m/p/c/')).toBe(true);
    expect(canReadReport([lead('/m/p/')], school, '/m/p/c/')).toBe(false);
    expect(canReadReport([lead('/m/p/c/')], school, '/m/p/')).toBe(true);
    expect(canReadReport([lead('/m/p2/')], school, '/m/p/')).toBe(false);
  });

  it('ignores other roles held at the school, including system admin', () => {
    for (const role of [Role.TEACHER, Role.SCHOOL_ADMIN, Role.OFFICIAL, Role.SYSTEM_ADMIN]) {
      expect(canReadReport([lead(school, role)], school, null)).toBe(false);
    }
  });

  it('finds the band from the module id and the tone from the band', () => {
    expect(bandOfModule('ep-kind-words')).toBe('early-primary');
    expect(bandOfModule('us-deepfakes')).toBe('upper-secondary');
    expect(bandOfModule(null)).toBeNull();
    expect(bandOfModule('zz-x')).toBeNull();
    expect(toneOfBand('upper-primary')).toBe('young');
    expect(toneOfBand('lower-secondary')).toBe('teen');
    expect(toneOfBand(null)).toBe('adult');
  });
});
