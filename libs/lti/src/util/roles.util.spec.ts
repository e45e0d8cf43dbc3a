import { roleFlags, shortContextRole } from './roles.util';

describe('roleFlags', () => {
  it('maps LIS role URIs and Moodle short names to learner / instructor / admin', () => {
    expect(roleFlags(['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'])).toEqual({
      roles: ['Learner'],
      learner: true,
      instructor: false,
      admin: false,
    });
    expect(
      roleFlags(['http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant']),
    ).toMatchObject({
      roles: ['TeachingAssistant'],
      instructor: true,
      learner: false,
    });
    expect(roleFlags(['Instructor'])).toMatchObject({ instructor: true });
    expect(
      roleFlags(['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator']),
    ).toEqual({
      roles: [],
      learner: false,
      instructor: false,
      admin: true,
    });
  });

  it('treats a launch without a known role as a learner, and ignores institution roles as context roles', () => {
    expect(roleFlags([])).toMatchObject({ learner: true, instructor: false, admin: false });
    expect(
      shortContextRole('http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student'),
    ).toBeUndefined();
  });
});
