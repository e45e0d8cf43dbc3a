import { JobContext, JobHandler, JobRunner, PermanentJobError, RetryLaterError } from '@lib/core';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  LtiLaunchEntity,
  LtiResourceLinkEntity,
  LtiUserEntity,
  ScoreDeliveryEntity,
} from '../entities/lti.entities';
import { JOB, SCOPE } from '../lti.constants';
import { PlatformHttp, PlatformHttpError } from '../services/platform-http.service';
import { PlatformRegistry } from '../services/platform-registry.service';

const LINEITEM_TYPE = 'application/vnd.ims.lis.v2.lineitem+json';
const CONTAINER_TYPE = 'application/vnd.ims.lis.v2.lineitemcontainer+json';

function scoresUrl(lineItem: string): string {
  const [base, query] = lineItem.split('?');
  return `${base.replace(/\/$/, '')}/scores${query ? `?${query}` : ''}`;
}

/** Posts one score delivery to the platform (idempotent: a delivered row is left alone). */
@Injectable()
@JobHandler(JOB.AGS_SCORE, { maxAttempts: 10, timeoutMs: 60_000 })
export class AgsScoreJob implements JobRunner<{ deliveryId: string }> {
  private readonly logger = new Logger(AgsScoreJob.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly platforms: PlatformRegistry,
    private readonly http: PlatformHttp,
  ) {}

  async run(payload: { deliveryId: string }, ctx: JobContext): Promise<void> {
    const repo = this.dataSource.getRepository(ScoreDeliveryEntity);
    const delivery = await repo.findOne({ where: { id: payload.deliveryId } });
    if (!delivery || delivery.status === 'delivered') {
      return;
    }
    await repo.update({ id: delivery.id }, { attempts: ctx.attempt, status: 'pending' });
    try {
      const launch = await this.dataSource
        .getRepository(LtiLaunchEntity)
        .findOneOrFail({ where: { id: delivery.launchId } });
      const platform = await this.platforms.get(launch.platformId);
      const user = await this.dataSource
        .getRepository(LtiUserEntity)
        .findOneOrFail({ where: { id: delivery.userId } });
      const lineItem = delivery.lineItemUrl ?? (await this.findOrCreateLineItem(launch, delivery));
      if (!delivery.lineItemUrl) {
        await repo.update({ id: delivery.id }, { lineItemUrl: lineItem });
      }
      await this.http.request(platform, [SCOPE.SCORE], scoresUrl(lineItem), {
        method: 'POST',
        contentType: 'application/vnd.ims.lis.v1.score+json',
        body: {
          userId: user.sub,
          scoreGiven: delivery.scoreGiven,
          scoreMaximum: delivery.scoreMaximum,
          activityProgress: delivery.activityProgress,
          gradingProgress: delivery.gradingProgress,
          timestamp: new Date(delivery.timestamp).toISOString(),
          ...(delivery.comment ? { comment: delivery.comment } : {}),
        },
      });
      await repo.update(
        { id: delivery.id },
        { status: 'delivered', deliveredAt: new Date(), lastError: null },
      );
      this.logger.log({ msg: 'score delivered', deliveryId: delivery.id, attempt: ctx.attempt });
    } catch (err) {
      const status = err instanceof PlatformHttpError ? err.status : undefined;
      const message = err instanceof Error ? err.message : String(err);
      const retryable = status === undefined || status === 429 || status >= 500 || status === 408;
      const last = !retryable || ctx.attempt >= ctx.maxAttempts;
      await repo.update(
        { id: delivery.id },
        { status: last ? 'failed' : 'pending', lastError: message.slice(0, 1000) },
      );
      if (!retryable) {
        throw new PermanentJobError(message);
      }
      throw new RetryLaterError(
        message,
        err instanceof PlatformHttpError ? err.retryAfterMs : undefined,
      );
    }
  }

  /** The line item of the resource link: cached, found by resource_link_id, or created. */
  private async findOrCreateLineItem(
    launch: LtiLaunchEntity,
    delivery: ScoreDeliveryEntity,
  ): Promise<string> {
    const links = this.dataSource.getRepository(LtiResourceLinkEntity);
    const link =
      launch.contextRowId && launch.resourceLinkId
        ? await links.findOne({
            where: { contextRowId: launch.contextRowId, resourceLinkId: launch.resourceLinkId },
          })
        : null;
    if (link?.lineItemUrl) {
      return link.lineItemUrl;
    }
    if (!launch.agsLineItems) {
      throw new PermanentJobError('No line item and no lineitems endpoint for this link.');
    }
    const platform = await this.platforms.get(launch.platformId);
    const listUrl = new URL(launch.agsLineItems);
    if (launch.resourceLinkId) {
      listUrl.searchParams.set('resource_link_id', launch.resourceLinkId);
    }
    const found = await this.http.request(platform, [SCOPE.LINEITEM], listUrl.toString(), {
      accept: CONTAINER_TYPE,
    });
    const items = (await found.json()) as { id?: string; resourceLinkId?: string }[];
    let url = items.find(
      (i) => !launch.resourceLinkId || i.resourceLinkId === launch.resourceLinkId,
    )?.id;
    if (!url) {
      const created = await this.http.request(platform, [SCOPE.LINEITEM], launch.agsLineItems, {
        method: 'POST',
        accept: LINEITEM_TYPE,
        contentType: LINEITEM_TYPE,
        body: {
          scoreMaximum: delivery.scoreMaximum,
          label: link?.title || delivery.moduleId || 'SafeNest',
          resourceId: delivery.moduleId ?? undefined,
          resourceLinkId: launch.resourceLinkId ?? undefined,
          tag: 'safenest',
        },
      });
      url = ((await created.json()) as { id?: string }).id;
    }
    if (!url) {
      throw new PermanentJobError('The platform returned a line item without id.');
    }
    if (link) {
      await links.update({ id: link.id }, { lineItemUrl: url });
    }
    return url;
  }
}
