import Ajv, { ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { ConcernCategory, LIMITS } from '../safeguarding.constants';

/** JSON Schema of `POST /api/safeguarding/v1/reports` (also in docs/api/safeguarding-intake.md). */
export const INTAKE_REPORT_SCHEMA = {
  $id: 'https://safenest.local/schemas/safeguarding-intake-report.json',
  type: 'object',
  additionalProperties: false,
  required: ['reportId', 'schoolCode', 'category'],
  properties: {
    reportId: {
      type: 'string',
      minLength: 1,
      maxLength: LIMITS.externalId,
      pattern: '^[A-Za-z0-9._:-]+$',
      description: "The caller's own id of this report; a repeat with the same id is a replay.",
    },
    schoolCode: { type: 'string', minLength: 1, maxLength: 64 },
    category: { type: 'string', enum: Object.values(ConcernCategory) },
    imminentDanger: { type: 'boolean', default: false },
    description: { type: 'string', maxLength: LIMITS.description },
    contentUrl: { type: 'string', maxLength: LIMITS.url, format: 'uri' },
    platform: { type: 'string', maxLength: LIMITS.platform },
    occurredAt: { type: 'string', format: 'date-time' },
    involved: { type: 'string', maxLength: LIMITS.involved },
    pupilReference: {
      type: 'string',
      maxLength: 200,
      description: "The service's pseudonymous reference of the pupil (never a real name).",
    },
    language: { type: 'string', enum: ['vi', 'en'], default: 'vi' },
    contact: {
      type: 'object',
      additionalProperties: false,
      required: ['email'],
      properties: { email: { type: 'string', format: 'email', maxLength: LIMITS.email } },
    },
  },
} as const;

export interface IntakeReportBody {
  reportId: string;
  schoolCode: string;
  category: ConcernCategory;
  imminentDanger?: boolean;
  description?: string;
  contentUrl?: string;
  platform?: string;
  occurredAt?: string;
  involved?: string;
  pupilReference?: string;
  language?: 'vi' | 'en';
  contact?: { email: string };
}

export interface SchemaProblem {
  path: string;
  message: string;
}

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true });
addFormats(ajv, ['uri', 'email', 'date-time']);
const validate = ajv.compile<IntakeReportBody>(INTAKE_REPORT_SCHEMA);

/** Validates (and fills defaults into) a request body; problems name the JSON path. */
export function validateIntakeBody(body: unknown): SchemaProblem[] {
  if (validate(body)) {
    return [];
  }
  return (validate.errors ?? []).map(describe);
}

function describe(e: ErrorObject): SchemaProblem {
  const extra =
    e.keyword === 'additionalProperties'
      ? `/${(e.params as { additionalProperty: string }).additionalProperty}`
      : '';
  return { path: `${e.instancePath}${extra}` || '/', message: e.message ?? e.keyword };
}
