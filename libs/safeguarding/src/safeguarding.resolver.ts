import { CurrentPrincipal, Principal, SessionGuard } from '@lib/core';
import { UseGuards } from '@nestjs/common';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ConcernIndicatorsService } from './concern-indicators.service';
import { ConcernReportsService, QUEUE_PAGE_SIZE } from './concern-reports.service';
import { ConcernTransitionInput } from './dto/concern-transition.input';
import {
  ConcernAuditEntryModel,
  ConcernIndicatorsModel,
  ConcernQueuePageModel,
  ConcernReportModel,
  ConcernSummaryModel,
} from './models/concern.model';

/** The safeguarding lead's queue over GraphQL; every method checks the lead's scope. */
@Resolver(() => ConcernReportModel)
@UseGuards(SessionGuard)
export class SafeguardingResolver {
  constructor(
    private readonly reports: ConcernReportsService,
    private readonly indicators: ConcernIndicatorsService,
  ) {}

  @Query(() => [ConcernSummaryModel], {
    description:
      'One page of the reports the signed-in lead may handle: imminent danger first, then by deadline.',
  })
  async concernQueue(
    @CurrentPrincipal() principal: Principal,
    @Args('orgNodeId', { type: () => ID, nullable: true }) orgNodeId?: string,
    @Args('includeClosed', { nullable: true, defaultValue: false }) includeClosed?: boolean,
    @Args('first', { type: () => Int, nullable: true, defaultValue: QUEUE_PAGE_SIZE })
    first?: number,
    @Args('offset', { type: () => Int, nullable: true, defaultValue: 0 }) offset?: number,
  ): Promise<ConcernSummaryModel[]> {
    return (await this.concernQueuePage(principal, orgNodeId, includeClosed, first, offset)).items;
  }

  @Query(() => ConcernQueuePageModel, {
    description: 'The same queue with the total, for paging (first: 1–200, default 50).',
  })
  async concernQueuePage(
    @CurrentPrincipal() principal: Principal,
    @Args('orgNodeId', { type: () => ID, nullable: true }) orgNodeId?: string,
    @Args('includeClosed', { nullable: true, defaultValue: false }) includeClosed?: boolean,
    @Args('first', { type: () => Int, nullable: true, defaultValue: QUEUE_PAGE_SIZE })
    first?: number,
    @Args('offset', { type: () => Int, nullable: true, defaultValue: 0 }) offset?: number,
  ): Promise<ConcernQueuePageModel> {
    return (await this.reports.queueFor(principal, {
      orgNodeId,
      includeClosed,
      limit: first,
      offset,
    })) as ConcernQueuePageModel;
  }

  @Query(() => ConcernReportModel, { description: 'Opens a report (recorded in its audit trail).' })
  async concernReport(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<ConcernReportModel> {
    return (await this.reports.open(principal, id)) as ConcernReportModel;
  }

  @Query(() => [ConcernAuditEntryModel])
  async concernAuditTrail(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<ConcernAuditEntryModel[]> {
    return this.reports.auditTrail(principal, id);
  }

  @Query(() => ConcernIndicatorsModel, {
    description: 'Reports, handled within time and referred, per child unit (aggregates only).',
  })
  async concernIndicators(
    @CurrentPrincipal() principal: Principal,
    @Args('orgNodeId', { type: () => ID }) orgNodeId: string,
    @Args('from', { nullable: true }) from?: Date,
    @Args('to', { nullable: true }) to?: Date,
  ): Promise<ConcernIndicatorsModel> {
    return this.indicators.forNode(principal, orgNodeId, { from, to });
  }

  @Mutation(() => ConcernSummaryModel, {
    description: 'Moves a report forward: acknowledged → in progress → referred → closed.',
  })
  async moveConcern(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: ConcernTransitionInput,
  ): Promise<ConcernSummaryModel> {
    await this.reports.transition(principal, input.reportId, input);
    return (await this.reports.summaryFor(principal, input.reportId)) as ConcernSummaryModel;
  }

  @Mutation(() => Boolean, { description: 'Adds an encrypted case note.' })
  async addConcernNote(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('body') body: string,
  ): Promise<boolean> {
    await this.reports.addNote(principal, id, body);
    return true;
  }

  @Mutation(() => ConcernSummaryModel, {
    description: "Hands the report up to the next level's safeguarding leads (they are told).",
  })
  async handOffConcern(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('note', { nullable: true }) note?: string,
  ): Promise<ConcernSummaryModel> {
    await this.reports.handOff(principal, id, note);
    return (await this.reports.summaryFor(principal, id)) as ConcernSummaryModel;
  }

  @Mutation(() => Boolean, { description: 'Erases a closed report now (on request).' })
  async eraseConcern(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<boolean> {
    await this.reports.eraseOnRequest(principal, id);
    return true;
  }
}
