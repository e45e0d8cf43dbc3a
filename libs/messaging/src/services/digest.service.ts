import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { MessageEntity, RecipientEntity } from '../entities/message.entities';
import { ParentEntity } from '../entities/parent.entities';
import { PARENT_TIMEZONE } from '../messaging.constants';
import { localTime } from '../util/time.util';
import { ComposeService } from './compose.service';

/**
 * Daily digests: for each parent in digest mode whose digest hour has come (Vietnam time) and
 * who has held messages, one digest message carrying their ids; the held rows become
 * `digested` in the same transaction, so a rerun finds nothing twice.
 */
@Injectable()
export class DigestService {
  private readonly logger = new Logger(DigestService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly compose: ComposeService,
  ) {}

  async runDue(now = new Date()): Promise<number> {
    const local = localTime(now, PARENT_TIMEZONE);
    const held = await this.dataSource
      .getRepository(RecipientEntity)
      .createQueryBuilder('r')
      .innerJoin(ParentEntity, 'p', 'p.id = r.parentId')
      .select('DISTINCT r.parent_id', 'parent_id')
      .where('r.status = :held', { held: 'held' })
      .andWhere('p.digestHour <= :hour', { hour: local.hour })
      .getRawMany<{ parent_id: string }>();
    let made = 0;
    for (const { parent_id: parentId } of held) {
      const rows = await this.dataSource.getRepository(RecipientEntity).find({
        where: { parentId, status: 'held' },
        select: ['id', 'messageId'],
        order: { createdAt: 'ASC' },
      });
      if (rows.length === 0) {
        continue;
      }
      const first = await this.dataSource
        .getRepository(MessageEntity)
        .findOneByOrFail({ id: rows[0].messageId });
      const ids = rows.map((r) => r.id);
      const dedupeKey = `msg-digest:${parentId}:${local.day}`;
      if (await this.dataSource.getRepository(MessageEntity).findOne({ where: { dedupeKey } })) {
        continue; // today's digest went out; what came since waits for tomorrow's
      }
      await this.compose.compose({
        schoolOrgNodeId: first.schoolOrgNodeId,
        kind: 'daily_digest',
        audience: { type: 'parent', parentId },
        data: { messageIds: rows.map((r) => r.messageId), day: local.day },
        author: { type: 'system', id: null, name: 'SafeNest' },
        dedupeKey,
        within: async (m, digest) => {
          await m
            .getRepository(RecipientEntity)
            .update(
              { id: In(ids), status: 'held' },
              { status: 'digested', digestMessageId: digest.id },
            );
        },
      });
      made++;
    }
    if (made) {
      this.logger.log({ msg: 'daily digests composed', count: made });
    }
    return made;
  }
}
