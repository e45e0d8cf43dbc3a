import { OrgNodeEntity, OrgType, SchoolLevel } from '@lib/orgs';
import { addDays, bandsOfLevels, endOfDay } from './campaigns.constants';
import { CampaignsService, CreateCampaignInput } from './campaigns.service';

const service = new CampaignsService(null as never, null as never, null as never);
const province = { id: 'p', type: OrgType.PROVINCE, path: '/m/p/' } as OrgNodeEntity;
const valid: CreateCampaignInput = {
  name: 'Học kỳ I',
  scopeNodeId: 'p',
  periodKind: 'semester',
  periodStart: '2026-09-05',
  periodEnd: '2027-01-15',
  orgTypes: [OrgType.SCHOOL],
  requirements: [{ band: 'upper-primary', minModules: 2, minShare: 0.8 }],
  dueDays: 15,
  lockDays: 30,
};

describe('campaign definitions', () => {
  it('accepts a sound definition at a province', () => {
    expect(() => service.validate(valid, province)).not.toThrow();
  });

  it.each([
    [{ periodEnd: '2026-09-01' }, 'periodEnd'],
    [{ orgTypes: [OrgType.COMMUNE] }, 'orgTypes'],
    [{ requirements: [] }, 'requirements'],
    [{ requirements: [{ band: 'upper-primary', minModules: 0, minShare: 0.5 }] }, 'requirements'],
    [{ requirements: [{ band: 'upper-primary', minModules: 1, minShare: 1.5 }] }, 'requirements'],
    [{ lockDays: 10 }, 'lockDays'],
    [{ reminderDays: [-1] }, 'reminderDays'],
  ])('refuses %j, naming %s', (patch, field) => {
    expect(() => service.validate({ ...valid, ...patch } as CreateCampaignInput, province)).toThrow(
      expect.objectContaining({ code: 'CAMPAIGN_INVALID', details: { field } }),
    );
  });

  it('is defined only at a ministry or a province', () => {
    expect(() => service.validate(valid, { ...province, type: OrgType.COMMUNE })).toThrow(
      expect.objectContaining({ code: 'CAMPAIGN_SCOPE_INVALID' }),
    );
  });

  it('expects units of the right type and level inside its scope', () => {
    const c = {
      ...valid,
      scopePath: '/m/p/',
      levels: [SchoolLevel.PRIMARY],
      orgTypes: [OrgType.SCHOOL],
    } as never;
    const school = {
      path: '/m/p/c/s/',
      type: OrgType.SCHOOL,
      levels: [SchoolLevel.PRIMARY],
      closedOn: null,
    };
    expect(service.expects(c, school)).toBe(true);
    expect(service.expects(c, { ...school, levels: [SchoolLevel.UPPER_SECONDARY] })).toBe(false);
    expect(service.expects(c, { ...school, path: '/m/q/s/' })).toBe(false);
    expect(service.expects(c, { ...school, closedOn: '2026-01-01' })).toBe(false);
    expect(service.expects(c, { ...school, type: OrgType.FACILITY })).toBe(false);
    // no requirement for any band the school teaches: not expected
    const upperOnly = {
      ...valid,
      scopePath: '/m/p/',
      levels: [],
      requirements: [{ band: 'upper-secondary', minModules: 1, minShare: 0.5 }],
    } as never;
    expect(service.expects(upperOnly, school)).toBe(false);
  });
});

describe('dates', () => {
  it('counts due and lock days after the period, ending at midnight in Vietnam', () => {
    expect(addDays('2027-01-15', 15)).toBe('2027-01-30');
    expect(endOfDay('2027-01-30').toISOString()).toBe('2027-01-30T17:00:00.000Z');
  });

  it('maps school levels to grade bands', () => {
    expect(bandsOfLevels([SchoolLevel.PRIMARY, SchoolLevel.LOWER_SECONDARY])).toEqual([
      'early-primary',
      'upper-primary',
      'lower-secondary',
    ]);
  });
});
