/**
 * @lib/schema — the whole database schema: every lib's entities and migration chains. Apps,
 * the CLI and tests hand it to CoreModule. A new lib adds its `<LIB>_SCHEMA` here.
 */
import { CORE_SCHEMA, mergeSchemas } from '@lib/core';
import { LTI_SCHEMA } from '@lib/lti';
import { ORGS_SCHEMA } from '@lib/orgs';

/** Per lib, for `npm run migration:generate -- <lib> <Name>`. */
export const LIB_SCHEMAS = {
  core: CORE_SCHEMA,
  orgs: ORGS_SCHEMA,
  lti: LTI_SCHEMA,
};

export const SCHEMA = mergeSchemas(...Object.values(LIB_SCHEMAS));
