/** @lib/orgs — the org tree (ministry → province → commune → school / facility). */
export * from './entities/org-node.entity';
export * from './orgs.service';
export * from './orgs.module';
export * from './orgs.exception';
export * from './models/org-node.model';
import type { SchemaDefinition } from '@lib/core';
import { OrgNodeEntity } from './entities/org-node.entity';
import { POSTGRES_MIGRATIONS } from './migrations/postgres';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';

export const ORGS_SCHEMA: SchemaDefinition = {
  entities: [OrgNodeEntity],
  migrations: { sqlite: SQLITE_MIGRATIONS, postgres: POSTGRES_MIGRATIONS },
};
