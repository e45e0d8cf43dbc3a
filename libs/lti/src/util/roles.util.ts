/**
 * LIS role URIs (and the short names Moodle's NRPS returns) to what SafeNest needs: context
 * roles by short name, and learner / instructor / administrator flags.
 */
export interface RoleFlags {
  /** Short context roles: Learner, Instructor, TeachingAssistant, … */
  roles: string[];
  learner: boolean;
  instructor: boolean;
  admin: boolean;
}

const INSTITUTION_ADMIN = [
  'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator',
  'http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator',
  'http://purl.imsglobal.org/vocab/lis/v2/system/person#SysAdmin',
];

const INSTRUCTOR_ROLES = new Set([
  'Instructor',
  'TeachingAssistant',
  'ContentDeveloper',
  'Mentor',
  'Administrator',
]);

/** The short name of a context role, or undefined for institution/system roles. */
export function shortContextRole(role: string): string | undefined {
  if (!role.includes('/')) {
    return role; // already short (NRPS from Moodle, LTI 1.1 style)
  }
  if (!role.startsWith('http://purl.imsglobal.org/vocab/lis/v2/membership')) {
    return undefined;
  }
  // membership#Instructor, membership/Instructor#TeachingAssistant
  const hash = role.split('#')[1];
  return hash || undefined;
}

export function roleFlags(claim: unknown): RoleFlags {
  const all = Array.isArray(claim) ? claim.filter((r): r is string => typeof r === 'string') : [];
  const roles = [...new Set(all.map(shortContextRole).filter((r): r is string => Boolean(r)))];
  const admin = all.some((r) => INSTITUTION_ADMIN.includes(r));
  const instructor = roles.some((r) => INSTRUCTOR_ROLES.has(r));
  const learner = roles.includes('Learner') || (!instructor && !admin);
  return { roles, learner, instructor, admin };
}
