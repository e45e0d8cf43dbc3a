import {
  AuditEntity,
  DeliveryEntity,
  EnrolmentEntity,
  OfflineSessionEntity,
  ReminderEntity,
  ReportEntity,
  SchoolModuleEntity,
} from './entities/delivery.entity';
import { RollupEntity, SchoolStatEntity } from './entities/stats.entity';

export const COVERAGE_ENTITIES = [
  DeliveryEntity,
  SchoolModuleEntity,
  OfflineSessionEntity,
  EnrolmentEntity,
  ReportEntity,
  AuditEntity,
  ReminderEntity,
  SchoolStatEntity,
  RollupEntity,
];
