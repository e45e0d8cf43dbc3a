import { ConcernAuditEntity } from './entities/concern-audit.entity';
import { ConcernNotificationEntity } from './entities/concern-notification.entity';
import { ConcernNoteEntity } from './entities/concern-note.entity';
import { ConcernReportEntity } from './entities/concern-report.entity';
import { IntakeKeyEntity } from './entities/intake-key.entity';

export const SAFEGUARDING_ENTITIES = [
  ConcernReportEntity,
  ConcernAuditEntity,
  ConcernNoteEntity,
  IntakeKeyEntity,
  ConcernNotificationEntity,
];
