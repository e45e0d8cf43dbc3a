import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BatchEntity, RecipientEntity } from '../entities/message.entities';

/**
 * A run's hold on a batch: renewed every third of its length together with the claims of the
 * rows it is sending. When a renewal finds the batch taken over (the run was stalled past its
 * lease), the run stops starting new sends.
 */
export class BatchLease {
  private readonly logger = new Logger(BatchLease.name);
  private until: number;
  private lost = false;
  private readonly timer: NodeJS.Timeout;
  private renewing?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly batchId: string,
    private readonly runs: number,
    readonly claim: string,
    private readonly leaseMs: number,
    initialUntil: Date,
  ) {
    this.until = initialUntil.getTime();
    this.timer = setInterval(
      () => {
        this.renewing ??= this.renew().finally(() => (this.renewing = undefined));
      },
      Math.max(500, Math.floor(leaseMs / 3)),
    );
    this.timer.unref();
  }

  get untilDate(): Date {
    return new Date(this.until);
  }

  /**
   * Nobody else may claim our rows before `until` (their claims need `claim_until < now`). The
   * margin covers clock skew between hosts and the moment between this check and the marking;
   * renewals every third of the lease keep `until` well ahead of it.
   */
  private get margin(): number {
    return Math.min(1_000, Math.floor(this.leaseMs / 6));
  }

  /** May a new send start? */
  keepGoing(): boolean {
    return !this.lost && Date.now() < this.until - this.margin;
  }

  /** Is nobody else able to claim our rows right now? (Then dots may go out before the marking returns.) */
  safe(): boolean {
    return this.keepGoing();
  }

  private async renew(): Promise<void> {
    if (this.lost) {
      return;
    }
    const next = new Date(Date.now() + this.leaseMs);
    try {
      const res = await this.dataSource
        .getRepository(BatchEntity)
        .createQueryBuilder()
        .update()
        .set({ leaseUntil: next })
        .where('id = :id AND runs = :runs AND status = :running', {
          id: this.batchId,
          runs: this.runs,
          running: 'running',
        })
        .execute();
      if (!res.affected) {
        this.lost = true;
        this.logger.warn({ msg: 'batch lease lost', batchId: this.batchId });
        return;
      }
      await this.dataSource
        .getRepository(RecipientEntity)
        .createQueryBuilder()
        .update()
        .set({ claimUntil: next })
        .where('claim_token = :claim AND status = :sending', {
          claim: this.claim,
          sending: 'sending',
        })
        .execute();
      this.until = next.getTime();
    } catch (err) {
      this.logger.warn({
        msg: 'batch lease renewal failed',
        batchId: this.batchId,
        err: String(err),
      });
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
  }
}
