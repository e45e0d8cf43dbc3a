import { buildDataSourceOptions, loadConfig, runMigrations } from '@lib/core';
import { SCHEMA } from '@lib/schema';
import { DataSource } from 'typeorm';

describe('Migrations and entities agree', () => {
  it(`leaves nothing for TypeORM to change after all migrations (${/^postgres/.test(process.env.DATABASE_URL ?? '') ? 'PostgreSQL' : 'SQLite'})`, async () => {
    const ds = new DataSource(buildDataSourceOptions(loadConfig(), SCHEMA));
    await ds.initialize();
    try {
      await runMigrations(ds);
      const pending = await ds.driver.createSchemaBuilder().log();
      // A failure lists the SQL a missing migration would run: `npm run migration:generate -- <lib> <Name>`.
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
      expect(await ds.showMigrations()).toBe(false);
    } finally {
      await ds.destroy();
    }
  });
});
