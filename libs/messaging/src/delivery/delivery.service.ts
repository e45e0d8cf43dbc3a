import {
  AppConfig,
  backoffDelay,
  FieldEncryptionService,
  InjectConfig,
  JobEntity,
  Lang,
  QueueService,
  RetryLaterError,
} from '@lib/core';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, In, LessThan } from 'typeorm';
import { BatchEmail, EmailBatchSender, EmailOutcome } from '../channels/email/email-batch.sender';
import { GatewayResult } from '../channels/http.util';
import { SmsGateway } from '../channels/sms/sms.gateway';
import { ZaloZnsGateway } from '../channels/zalo/zalo-zns.gateway';
import {
  BatchEntity,
  MessageEntity,
  RecipientEntity,
  RecipientStatus,
} from '../entities/message.entities';
import { ContactEntity, ContactKind, ParentChannel } from '../entities/parent.entities';
import { ThreadStateEntity } from '../entities/thread.entities';
import { MAX_RECIPIENT_ATTEMPTS, MESSAGING_JOBS } from '../messaging.constants';
import { audienceOf, AudienceService } from '../services/audience.service';
import { SYSTEM } from '../services/audit.service';
import { MessageRendererService, PreparedMessage } from '../services/message-renderer.service';
import { ParentsService } from '../services/parents.service';
import { SchoolSettingsService } from '../services/school-settings.service';
import { assembleMessage } from '../util/mime.util';
import { assertUuid, chunks, returnedRows, sqlTimestamp, UUID } from '../util/sql.util';
import { quietUntil } from '../util/time.util';
import { BatchLease } from './batch-lease';

interface DueRow {
  id: string;
  parent_id: string;
  attempts: number;
  lang: Lang;
  mode: 'instant' | 'digest' | 'off';
  channel: ParentChannel;
  parent_status: string;
}

interface KeepDecision {
  to: 'skipped' | 'inbox' | 'held';
  reason: string;
}
interface SendDecision {
  to: 'email' | 'sms' | 'zalo';
  contact: ContactEntity;
  value: string;
}
type Decision = KeepDecision | SendDecision;

const isKeep = (d: Decision): d is KeepDecision =>
  d.to === 'skipped' || d.to === 'inbox' || d.to === 'held';

const CHANNEL_KIND: Record<'email' | 'sms' | 'zalo', ContactKind> = {
  email: 'email',
  sms: 'phone',
  zalo: 'zalo',
};

/**
 * Delivery: `dispatch` (at the send time, after quiet hours) queues one job per batch;
 * `deliverBatch` holds the batch's lease, decides per parent (consent, mode, mute, channel),
 * claims the rows it sends and records every outcome. E-mails go through
 * {@link EmailBatchSender}, whose ordering gives exactly-once in practice (ADR 0601).
 */
@Injectable()
export class MessageDeliveryService {
  private readonly logger = new Logger(MessageDeliveryService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
    private readonly queue: QueueService,
    private readonly audience: AudienceService,
    private readonly renderer: MessageRendererService,
    private readonly email: EmailBatchSender,
    private readonly sms: SmsGateway,
    private readonly zalo: ZaloZnsGateway,
    private readonly parents: ParentsService,
    private readonly settings: SchoolSettingsService,
    private readonly crypto: FieldEncryptionService,
  ) {}

  private get postgres(): boolean {
    return this.config.database.type === 'postgres';
  }

  /** At the send time: waits out quiet hours (unless urgent), then queues every batch. */
  async dispatch(messageId: string, now = new Date()): Promise<void> {
    const message = await this.dataSource
      .getRepository(MessageEntity)
      .findOne({ where: { id: messageId } });
    if (!message || message.status === 'cancelled' || message.status === 'sent') {
      return;
    }
    if (message.scheduledAt && message.scheduledAt.getTime() > now.getTime() + 1000) {
      await this.queue.enqueue(
        MESSAGING_JOBS.dispatch,
        { messageId },
        {
          delayMs: message.scheduledAt.getTime() - now.getTime(),
          dedupeKey: `msg-dispatch:${messageId}:${message.scheduledAt.toISOString()}`,
        },
      );
      return;
    }
    if (!message.urgent) {
      const until = quietUntil(now, await this.settings.get(message.schoolOrgNodeId));
      if (until) {
        await this.queue.enqueue(
          MESSAGING_JOBS.dispatch,
          { messageId },
          {
            delayMs: until.getTime() - now.getTime(),
            dedupeKey: `msg-dispatch:${messageId}:${until.toISOString()}`,
          },
        );
        this.logger.log({
          msg: 'quiet hours: message waits',
          messageId,
          until: until.toISOString(),
        });
        return;
      }
    }
    await this.queue.transaction(async (m) => {
      await m
        .getRepository(MessageEntity)
        .update({ id: messageId, status: In(['scheduled', 'sending']) }, { status: 'sending' });
      const batches = await m
        .getRepository(BatchEntity)
        .find({ where: { messageId, status: 'queued' }, select: ['id', 'runs'] });
      for (const b of batches) {
        await this.queue.enqueue(
          MESSAGING_JOBS.deliver,
          { batchId: b.id },
          { manager: m, dedupeKey: `msg-deliver:${b.id}:${b.runs}` },
        );
      }
      if (batches.length === 0) {
        await this.completeMessage(messageId, m);
      }
    });
  }

  /** Delivers what is due in one batch. Safe to run twice and concurrently (leases, claims). */
  async deliverBatch(batchId: string): Promise<void> {
    const leaseMs = this.config.messaging.leaseSeconds * 1000;
    const now = new Date();
    const until = new Date(now.getTime() + leaseMs);
    const repo = this.dataSource.getRepository(BatchEntity);
    const claimed = await repo
      .createQueryBuilder()
      .update()
      .set({ status: 'running', leaseUntil: until, runs: () => 'runs + 1' })
      .where('id = :id', { id: batchId })
      .andWhere('(status = :queued OR (status = :running AND lease_until < :now))', {
        queued: 'queued',
        running: 'running',
        now,
      })
      .execute();
    const batch = await repo.findOne({ where: { id: batchId } });
    if (!batch || batch.status === 'done') {
      return;
    }
    if (!claimed.affected) {
      // Another run holds it: come back when its lease would have run out.
      const wait = Math.max(
        500,
        (batch.leaseUntil?.getTime() ?? now.getTime()) - now.getTime() + 500,
      );
      throw new RetryLaterError('batch held by another run', wait);
    }
    const lease = new BatchLease(
      this.dataSource,
      batch.id,
      batch.runs,
      randomUUID(),
      leaseMs,
      until,
    );
    try {
      const message = await this.dataSource
        .getRepository(MessageEntity)
        .findOne({ where: { id: batch.messageId } });
      const started = Date.now();
      let due: DueRow[] = [];
      if (message && message.status !== 'cancelled') {
        const prepared = await this.renderer.prepare(message);
        due = await this.loadDue(batch);
        if (due.length) {
          await this.process(prepared, due, lease);
        }
      }
      this.logger.log({
        msg: 'batch delivered',
        messageId: batch.messageId,
        batchId: batch.id,
        run: batch.runs,
        due: due.length,
        ms: Date.now() - started,
      });
      await this.finishBatch(batch);
    } finally {
      await lease.stop();
    }
  }

  private async loadDue(batch: BatchEntity): Promise<DueRow[]> {
    const now = new Date();
    return this.dataSource
      .getRepository(RecipientEntity)
      .createQueryBuilder('r')
      .innerJoin('msg_parent', 'p', 'p.id = r.parent_id')
      .select([
        'r.id AS id',
        'r.parent_id AS parent_id',
        'r.attempts AS attempts',
        'p.lang AS lang',
        'p.mode AS mode',
        'p.channel AS channel',
        'p.status AS parent_status',
      ])
      .where('r.message_id = :m AND r.batch_no = :b', { m: batch.messageId, b: batch.batchNo })
      .andWhere(
        '((r.status = :pending AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= :now)) OR (r.status = :sending AND r.claim_until < :now))',
        { pending: 'pending', sending: 'sending', now },
      )
      .getRawMany<DueRow>()
      .then((rows) => rows.map((r) => ({ ...r, attempts: Number(r.attempts) })));
  }

  private async process(
    prepared: PreparedMessage,
    due: DueRow[],
    lease: BatchLease,
  ): Promise<void> {
    const t0 = Date.now();
    const message = prepared.message;
    const parentIds = due.map((r) => r.parent_id);
    const covered = await this.audience.covered(
      this.dataSource.manager,
      audienceOf(message),
      parentIds,
    );
    const contacts = new Map<string, ContactEntity[]>();
    for (const part of chunks(parentIds, 500)) {
      const rows = await this.dataSource
        .getRepository(ContactEntity)
        .find({ where: { parentId: In(part) } });
      rows.forEach((c) => contacts.set(c.parentId, [...(contacts.get(c.parentId) ?? []), c]));
    }
    const muted = new Set<string>();
    if (message.kind === 'thread_post' && message.threadId) {
      const states = await this.dataSource
        .getRepository(ThreadStateEntity)
        .find({ where: { threadId: message.threadId, parentId: In(parentIds) } });
      states.filter((s) => s.mutedAt).forEach((s) => muted.add(s.parentId));
    }
    const plain = new Map<RecipientStatus, { ids: string[]; reason: string }[]>();
    const sends: { row: DueRow; decision: SendDecision }[] = [];
    for (const row of due) {
      const d = this.decide(
        message,
        row,
        covered.has(row.parent_id),
        muted.has(row.parent_id),
        contacts.get(row.parent_id) ?? [],
      );
      if (isKeep(d)) {
        const list = plain.get(d.to) ?? [];
        const reason = d.reason;
        const entry = list.find((e) => e.reason === reason);
        if (entry) {
          entry.ids.push(row.id);
        } else {
          list.push({ ids: [row.id], reason });
        }
        plain.set(d.to, list);
      } else {
        sends.push({ row, decision: d });
      }
    }
    for (const [status, groups] of plain) {
      for (const g of groups) {
        await this.setStatus(g.ids, status, { reason: g.reason });
      }
    }
    this.logger.debug({
      msg: 'batch decided',
      messageId: message.id,
      rows: due.length,
      ms: Date.now() - t0,
    });
    const emails = sends.filter((s) => s.decision.to === 'email');
    const others = sends.filter((s) => s.decision.to !== 'email');
    if (emails.length && lease.keepGoing()) {
      await this.sendEmails(prepared, emails, lease);
    }
    if (others.length && lease.keepGoing()) {
      await this.sendGateway(prepared, others, lease);
    }
  }

  private decide(
    message: MessageEntity,
    row: DueRow,
    covered: boolean,
    muted: boolean,
    contacts: ContactEntity[],
  ): Decision {
    if (row.parent_status !== 'active' || !covered) {
      return { to: 'skipped', reason: 'no_consent' };
    }
    if (muted) {
      return { to: 'inbox', reason: 'muted' };
    }
    const periodic = message.kind === 'daily_digest' || message.kind === 'progress_digest';
    if (!message.urgent && row.mode === 'off') {
      return { to: 'inbox', reason: 'mode_off' };
    }
    if (!message.urgent && row.mode === 'digest' && !periodic) {
      return { to: 'held', reason: 'digest' };
    }
    const order: ParentChannel[] = [row.channel, 'email'];
    for (const ch of order) {
      if (ch === 'inbox') {
        return { to: 'inbox', reason: 'channel_inbox' };
      }
      if ((ch === 'sms' && !this.sms.enabled) || (ch === 'zalo' && !this.zalo.enabled)) {
        continue;
      }
      const contact = contacts.find(
        (c) => c.kind === CHANNEL_KIND[ch] && c.status === 'active' && c.verifiedAt,
      );
      if (contact) {
        return { to: ch, contact, value: this.crypto.decrypt(contact.valueEncrypted, contact.id) };
      }
    }
    return { to: 'inbox', reason: 'no_contact' };
  }

  /** Claims rows for this run; returns those it got (another run may have some). */
  private async claim(ids: string[], lease: BatchLease): Promise<Set<string>> {
    const now = sqlTimestamp(new Date(), this.postgres);
    const until = sqlTimestamp(lease.untilDate, this.postgres);
    const out = new Set<string>();
    for (const part of chunks(ids, 500)) {
      const list = part.map((id) => `'${assertUuid(id)}'`).join(',');
      const rows = returnedRows(
        await this.dataSource.query(
          `UPDATE msg_recipient SET status = 'sending', claim_token = '${assertUuid(lease.claim)}', ` +
            `claim_until = ${until}, attempts = attempts + 1 WHERE id IN (${list}) AND ` +
            `(status = 'pending' OR (status = 'sending' AND claim_until < ${now})) RETURNING id`,
        ),
      );
      rows.forEach((r) => out.add(r.id));
    }
    return out;
  }

  private async sendEmails(
    prepared: PreparedMessage,
    items: { row: DueRow; decision: SendDecision }[],
    lease: BatchLease,
  ): Promise<void> {
    const mine = await this.claim(
      items.map((i) => i.row.id),
      lease,
    );
    const mineItems = items.filter((i) => mine.has(i.row.id));
    if (!this.email.enabled) {
      // Development without SMTP_URL: nothing leaves; the rows say so.
      await this.setStatus([...mine], 'sent', {
        channel: 'email',
        reason: 'SMTP_URL unset: not sent',
        claim: lease.claim,
      });
      this.logger.log({
        msg: 'e-mails not sent (SMTP_URL unset)',
        messageId: prepared.message.id,
        count: mine.size,
      });
      return;
    }
    const date = new Date();
    const emails: BatchEmail[] = mineItems.map(({ row, decision }) => {
      const content = prepared.content(row.lang);
      const unsub = this.renderer.unsubscribeUrl(row.id);
      return {
        recipientId: row.id,
        to: decision.value,
        raw: () =>
          assembleMessage(
            {
              from: this.config.mailFrom,
              to: decision.value,
              subject: content.mail.subject,
              messageId: this.renderer.messageIdFor(row.id),
              date,
              headers: {
                'List-Unsubscribe': `<${unsub}>`,
                'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
                'Auto-Submitted': 'auto-generated',
                ...(prepared.message.urgent ? { Importance: 'high', 'X-Priority': '1' } : {}),
              },
            },
            content.shared,
          ),
      };
    });
    const outcomes = await this.email.send(emails, lease.claim, lease);
    await this.recordEmailOutcomes(outcomes, mineItems, lease);
  }

  private async recordEmailOutcomes(
    outcomes: EmailOutcome[],
    items: { row: DueRow; decision: SendDecision }[],
    lease: BatchLease,
  ): Promise<void> {
    const byId = new Map(items.map((i) => [i.row.id, i]));
    const retry: { id: string; attempts: number; error: string }[] = [];
    const release: string[] = [];
    const bounced: { id: string; error: string; contactId: string }[] = [];
    const revertRetry: { id: string; attempts: number; error: string }[] = [];
    const revertBounce: { id: string; error: string; contactId: string }[] = [];
    for (const o of outcomes) {
      const item = byId.get(o.recipientId);
      if (!item) {
        continue;
      }
      const attempts = item.row.attempts + 1;
      const error = `SMTP ${o.smtp.code || ''} ${o.smtp.response}`.trim().slice(0, 300);
      const contactId = item.decision.contact.id;
      if (o.result === 'accepted' || o.result === 'unconfirmed') {
        continue;
      }
      if (o.result === 'not-sent') {
        if (o.smtp.code === -1) {
          release.push(o.recipientId);
        } else if (o.smtp.code >= 500 && o.smtp.stage === 'ENVELOPE') {
          bounced.push({ id: o.recipientId, error, contactId });
        } else {
          retry.push({ id: o.recipientId, attempts, error });
        }
      } else if (o.smtp.code >= 500) {
        revertBounce.push({ id: o.recipientId, error, contactId });
      } else {
        revertRetry.push({ id: o.recipientId, attempts, error });
      }
    }
    await this.setStatus(release, 'pending', {
      claim: lease.claim,
      from: ['sending'],
      resetClaim: true,
    });
    for (const r of [...retry, ...revertRetry]) {
      await this.retryLater(r.id, r.attempts, r.error, lease.claim);
    }
    for (const b of [...bounced, ...revertBounce]) {
      await this.parents.setContactStatus(b.contactId, 'bounced', b.error, SYSTEM);
      await this.setStatus([b.id], 'bounced', {
        claim: lease.claim,
        from: ['sending', 'sent'],
        reason: b.error,
      });
    }
  }

  private async sendGateway(
    prepared: PreparedMessage,
    items: { row: DueRow; decision: SendDecision }[],
    lease: BatchLease,
  ): Promise<void> {
    const mine = await this.claim(
      items.map((i) => i.row.id),
      lease,
    );
    const queue = items.filter((i) => mine.has(i.row.id));
    const worker = async (): Promise<void> => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        if (!lease.keepGoing()) {
          await this.setStatus([item.row.id], 'pending', {
            claim: lease.claim,
            from: ['sending'],
            resetClaim: true,
          });
          continue;
        }
        const content = prepared.content(item.row.lang);
        const ch = item.decision.to;
        const result: GatewayResult =
          ch === 'sms'
            ? await this.sms.send({
                to: item.decision.value,
                text: content.sms,
                reference: item.row.id,
              })
            : await this.zalo.send({
                phone: item.decision.value,
                data: content.zalo,
                trackingId: item.row.id,
              });
        if (result.ok) {
          await this.dataSource
            .getRepository(RecipientEntity)
            .createQueryBuilder()
            .update()
            .set({
              status: 'sent',
              channel: ch,
              sentAt: new Date(),
              providerRef: result.providerId.slice(0, 200),
              lastError: null,
            })
            .where('id = :id AND claim_token = :claim AND status = :s', {
              id: item.row.id,
              claim: lease.claim,
              s: 'sending',
            })
            .execute();
        } else if (result.kind === 'temporary') {
          await this.retryLater(
            item.row.id,
            item.row.attempts + 1,
            result.error,
            lease.claim,
            result.retryAfterMs,
          );
        } else {
          if (result.kind === 'invalid') {
            await this.parents.setContactStatus(item.decision.contact.id, 'invalid', result.error, {
              type: 'gateway',
              id: ch,
            });
          }
          await this.setStatus([item.row.id], 'failed', {
            claim: lease.claim,
            from: ['sending'],
            reason: result.error,
            channel: ch,
          });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker));
  }

  private async retryLater(
    id: string,
    attempts: number,
    error: string,
    claim: string,
    retryAfterMs?: number,
  ): Promise<void> {
    if (attempts >= MAX_RECIPIENT_ATTEMPTS) {
      await this.setStatus([id], 'failed', { claim, from: ['sending', 'sent'], reason: error });
      return;
    }
    const delay = Math.max(retryAfterMs ?? 0, backoffDelay(this.config.queue.backoffMs, attempts));
    await this.dataSource
      .getRepository(RecipientEntity)
      .createQueryBuilder()
      .update()
      .set({
        status: 'pending',
        nextAttemptAt: new Date(Date.now() + delay),
        lastError: error.slice(0, 300),
        claimToken: null,
        claimUntil: null,
      })
      .where('id = :id AND claim_token = :claim AND status IN (:...st)', {
        id,
        claim,
        st: ['sending', 'sent'],
      })
      .execute();
  }

  /** Bulk status change; with `claim`, only rows this run holds. */
  private async setStatus(
    ids: string[],
    status: RecipientStatus,
    opts: {
      reason?: string;
      claim?: string;
      from?: RecipientStatus[];
      channel?: string;
      resetClaim?: boolean;
    } = {},
  ): Promise<void> {
    const from = opts.from ?? ['pending', 'sending'];
    for (const part of chunks(ids, 500)) {
      const qb = this.dataSource
        .getRepository(RecipientEntity)
        .createQueryBuilder()
        .update()
        .set({
          status,
          lastError: opts.reason ? opts.reason.slice(0, 300) : null,
          ...(status === 'sent' ? { sentAt: new Date() } : {}),
          ...(opts.channel ? { channel: opts.channel } : {}),
          ...(opts.resetClaim ? { claimToken: null, claimUntil: null, nextAttemptAt: null } : {}),
        })
        .where('id IN (:...ids) AND status IN (:...from)', { ids: part, from });
      if (opts.claim) {
        qb.andWhere('claim_token = :claim', { claim: opts.claim });
      }
      await qb.execute();
    }
  }

  /** Done when nothing is left to send; otherwise released and retried when the next row is due. */
  private async finishBatch(batch: BatchEntity): Promise<void> {
    const repo = this.dataSource.getRepository(RecipientEntity);
    const left = await repo
      .createQueryBuilder('r')
      .select('MIN(r.next_attempt_at)', 'next')
      .addSelect('COUNT(*)', 'n')
      .where('r.message_id = :m AND r.batch_no = :b AND r.status IN (:...st)', {
        m: batch.messageId,
        b: batch.batchNo,
        st: ['pending', 'sending'],
      })
      .getRawOne<{ next: string | Date | null; n: string | number }>();
    const remaining = Number(left?.n ?? 0);
    const batches = this.dataSource.getRepository(BatchEntity);
    if (remaining === 0) {
      await batches.update(
        { id: batch.id, runs: batch.runs },
        { status: 'done', leaseUntil: null },
      );
      await this.completeMessage(batch.messageId);
      return;
    }
    await batches.update(
      { id: batch.id, runs: batch.runs, status: 'running' },
      { status: 'queued', leaseUntil: null },
    );
    const next = left?.next ? new Date(left.next).getTime() : Date.now();
    throw new RetryLaterError(`${remaining} recipients to retry`, Math.max(200, next - Date.now()));
  }

  private async completeMessage(
    messageId: string,
    manager = this.dataSource.manager,
  ): Promise<void> {
    const open = await manager
      .getRepository(BatchEntity)
      .count({ where: { messageId, status: In(['queued', 'running']) } });
    if (open === 0) {
      await manager
        .getRepository(MessageEntity)
        .update({ id: messageId, status: 'sending' }, { status: 'sent', sentAt: new Date() });
    }
  }

  /**
   * A delivery report saying a sent message never arrived (unknown or blocked number): the
   * row becomes failed and the contact of that channel is marked invalid.
   */
  async undeliverable(recipientId: string, kind: ContactKind, reason: string): Promise<void> {
    const row = await this.dataSource
      .getRepository(RecipientEntity)
      .findOne({ where: { id: recipientId } });
    if (!row) {
      return;
    }
    await this.dataSource
      .getRepository(RecipientEntity)
      .update(
        { id: recipientId },
        { status: 'failed', lastError: `report: ${reason}`.slice(0, 300) },
      );
    const contact = await this.dataSource
      .getRepository(ContactEntity)
      .findOne({ where: { parentId: row.parentId, kind } });
    if (contact) {
      await this.parents.setContactStatus(contact.id, 'invalid', reason, {
        type: 'gateway',
        id: kind,
      });
    }
  }

  /**
   * Takes over batches of dead runs (lease expired) and wakes batches that were left queued
   * with due rows (their job gave up). Called by the tick and at worker start.
   */
  async recover(now = new Date()): Promise<number> {
    const repo = this.dataSource.getRepository(BatchEntity);
    const expired = await repo.find({
      where: { status: 'running', leaseUntil: LessThan(now) },
      select: ['id', 'runs'],
      take: 1000,
    });
    const stale = await repo
      .createQueryBuilder('b')
      .innerJoin(MessageEntity, 'm', 'm.id = b.messageId')
      .select(['b.id', 'b.runs'])
      .where('b.status = :q AND m.status = :sending AND b.updatedAt < :old', {
        q: 'queued',
        sending: 'sending',
        old: new Date(now.getTime() - 10 * 60_000),
      })
      .take(1000)
      .getMany();
    // A worker that died after claiming a batch's job but before claiming the batch leaves
    // the job `running` (until its long job lease ends) and the batch `queued`.
    const leaseMs = this.config.messaging.leaseSeconds * 1000;
    const stuckJobs = await this.dataSource.getRepository(JobEntity).find({
      where: {
        name: MESSAGING_JOBS.deliver,
        status: 'running',
        updatedAt: LessThan(new Date(now.getTime() - leaseMs)),
      },
      select: ['id', 'payload'],
      take: 1000,
    });
    const orphanIds = stuckJobs
      .map((j) => ({ jobId: j.id, batchId: String(j.payload.batchId ?? '') }))
      .filter((x) => UUID.test(x.batchId));
    const orphans = orphanIds.length
      ? await repo.find({
          where: { id: In(orphanIds.map((x) => x.batchId)), status: 'queued' },
          select: ['id'],
        })
      : [];
    for (const b of orphans) {
      const jobId = orphanIds.find((x) => x.batchId === b.id)!.jobId;
      await this.queue.enqueue(
        MESSAGING_JOBS.deliver,
        { batchId: b.id },
        { dedupeKey: `msg-deliver:${b.id}:orphan:${jobId}` },
      );
    }
    for (const b of expired) {
      await this.queue.enqueue(
        MESSAGING_JOBS.deliver,
        { batchId: b.id },
        { dedupeKey: `msg-deliver:${b.id}:recover:${b.runs}` },
      );
    }
    const slot = Math.floor(now.getTime() / (10 * 60_000));
    for (const b of stale) {
      await this.queue.enqueue(
        MESSAGING_JOBS.deliver,
        { batchId: b.id },
        { dedupeKey: `msg-deliver:${b.id}:stale:${slot}` },
      );
    }
    const total = expired.length + stale.length + orphans.length;
    if (total > 0) {
      this.logger.log({
        msg: 'delivery batches taken over',
        expired: expired.length,
        orphaned: orphans.length,
        stale: stale.length,
      });
    }
    return total;
  }
}
