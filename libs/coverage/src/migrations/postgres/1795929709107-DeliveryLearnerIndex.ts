import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rebuild reads deliveries in (campaign, school, band, learner) order from this index alone
 * (ADR 0505); it replaces the (campaign, school) index, which is its prefix.
 */
export class DeliveryLearnerIndex1795929709107 implements MigrationInterface {
  name = 'DeliveryLearnerIndex1795929709107';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."idx_coverage_delivery_school"');
    await queryRunner.query(
      'CREATE INDEX "idx_coverage_delivery_learner" ON "coverage_delivery" ("campaign_id", "school_id", "band", "learner_hash", "module_id") ',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."idx_coverage_delivery_learner"');
    await queryRunner.query(
      'CREATE INDEX "idx_coverage_delivery_school" ON "coverage_delivery" ("campaign_id", "school_id") ',
    );
  }
}
