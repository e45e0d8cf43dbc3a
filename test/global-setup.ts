/*
 * Once per run: on PostgreSQL, start from an empty schema and apply the real migrations, so
 * every e2e file finds an up-to-date database (files then build their own tenants).
 */
import { Client } from 'pg';

export default async function globalSetup(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url || !/^postgres/.test(url)) {
    return;
  }
  const target = new URL(url);
  const dbName = target.pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const adminClient = new Client({ connectionString: admin.toString() });
  await adminClient.connect();
  const exists = await adminClient.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
  if (exists.rowCount === 0) {
    await adminClient.query(`CREATE DATABASE "${dbName.replace(/"/g, '')}"`);
  }
  await adminClient.end();
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('DROP SCHEMA public CASCADE');
  await client.query('CREATE SCHEMA public');
  await client.end();
}
