/** @lib/demo — the seeded demo (DEMO_SEED=true, default in development). */
export * from './demo.seeder';
export * from './demo.module';
