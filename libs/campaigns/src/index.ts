/**
 * @lib/campaigns — what schools must deliver: a campaign is defined at a ministry or province
 * for a period (school year, semester, custom), org types and levels, with requirements per
 * grade band (minimum modules, minimum share of enrolled pupils), a due date and an entry
 * lock date (days after the period), lock exceptions granted from above, and reminder days.
 *
 * Deliveries, enrolment, statuses and rollups live in `@lib/coverage`, which reads campaigns
 * (see docs/adr/0501-coverage-owns-deliveries.md).
 */
import type { SchemaDefinition } from '@lib/core';
import { CampaignEntity, CampaignLockExceptionEntity } from './entities/campaign.entity';
import { POSTGRES_MIGRATIONS } from './migrations/postgres';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';

export * from './campaigns.constants';
export * from './campaigns.exception';
export * from './campaigns.service';
export * from './campaigns.module';
export * from './entities/campaign.entity';
export * from './models/campaign.model';

export const CAMPAIGNS_SCHEMA: SchemaDefinition = {
  entities: [CampaignEntity, CampaignLockExceptionEntity],
  migrations: { sqlite: SQLITE_MIGRATIONS, postgres: POSTGRES_MIGRATIONS },
};
