/**
 * @lib/schema — the whole database schema: every lib's entities and migration chains. Apps,
 * the CLI and tests hand it to CoreModule. A new lib adds its `<LIB>_SCHEMA` here.
 */
import { CORE_SCHEMA, mergeSchemas } from '@lib/core';
import { ORGS_SCHEMA } from '@lib/orgs';
import { LTI_SCHEMA } from '@lib/lti';
import { CAMPAIGNS_SCHEMA } from '@lib/campaigns';
import { COVERAGE_SCHEMA } from '@lib/coverage';
import { CURRICULA_SCHEMA } from '@lib/curricula';
import { SAFEGUARDING_SCHEMA } from '@lib/safeguarding';
import { MESSAGING_SCHEMA } from '@lib/messaging';

/** Per lib, for `npm run migration:generate -- <lib> <Name>`. */
export const LIB_SCHEMAS = {
  core: CORE_SCHEMA,
  orgs: ORGS_SCHEMA,
  lti: LTI_SCHEMA,
  campaigns: CAMPAIGNS_SCHEMA,
  coverage: COVERAGE_SCHEMA,
  curricula: CURRICULA_SCHEMA,
  safeguarding: SAFEGUARDING_SCHEMA,
  messaging: MESSAGING_SCHEMA,
};

export const SCHEMA = mergeSchemas(...Object.values(LIB_SCHEMAS));
