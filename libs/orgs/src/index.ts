/**
 * @lib/orgs — the org tree (ministry → province → commune → school / facility), versioned
 * with effective dates, and its CSV/XLSX import.
 *
 * - {@link OrgsService}: read the tree (`getById`, `children`, `subtree`), create nodes, and
 *   `change` (rename, recode, move with its subtree) or `close` them from an effective date;
 *   `versions` / `lineageAt` read the tree as it was on a day.
 * - {@link OrgImportService}: `start` stores a CSV/XLSX file and queues its processing (dry run
 *   or real), `run` does it (validate everything → apply in one transaction), `confirm` turns a
 *   clean dry run into the import. Problems carry line, column and a reason code.
 */
import type { SchemaDefinition } from '@lib/core';
import { OrgImportEntity } from './entities/org-import.entity';
import { OrgNodeEntity, OrgNodeVersionEntity } from './entities/org-node.entity';
import { POSTGRES_MIGRATIONS } from './migrations/postgres';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';

export * from './entities/org-node.entity';
export * from './entities/org-import.entity';
export * from './orgs.service';
export * from './orgs.module';
export * from './orgs.exception';
export * from './models/org-node.model';
export { OrgImportService, ORG_IMPORT_JOB, detectFormat } from './import/org-import.service';
export type { StartOrgImportInput } from './import/org-import.service';
export { ORG_FILE_COLUMNS } from './import/org-file.util';
import './orgs.messages';

export const ORGS_SCHEMA: SchemaDefinition = {
  entities: [OrgNodeEntity, OrgNodeVersionEntity, OrgImportEntity],
  migrations: { sqlite: SQLITE_MIGRATIONS, postgres: POSTGRES_MIGRATIONS },
};
