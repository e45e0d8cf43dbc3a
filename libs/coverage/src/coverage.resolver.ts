import {
  BandRequirement,
  CampaignModel,
  CreateCampaignGqlInput,
  GradeBand,
  PeriodKind,
} from '@lib/campaigns';
import { CurrentPrincipal, Principal, SessionGuard } from '@lib/core';
import { UseGuards } from '@nestjs/common';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CoverageViewService } from './coverage-view.service';
import { DeliveryService, EnrolmentService } from './delivery.service';
import { CoverageModel, OfflineSessionGqlInput, ReportModel } from './models/coverage.model';
import { ReportsService } from './reports.service';

/** Coverage over GraphQL; every field checks access to the node it reads or changes. */
@Resolver()
@UseGuards(SessionGuard)
export class CoverageResolver {
  constructor(
    private readonly views: CoverageViewService,
    private readonly reports: ReportsService,
    private readonly deliveries: DeliveryService,
    private readonly enrolment: EnrolmentService,
  ) {}

  @Query(() => [CampaignModel], { description: 'Campaigns that concern a node.' })
  async campaigns(
    @CurrentPrincipal() principal: Principal,
    @Args('nodeId', { type: () => ID }) nodeId: string,
  ): Promise<CampaignModel[]> {
    return this.views.campaignsAt(principal, nodeId);
  }

  @Query(() => CoverageModel, { description: 'Figures of a node and the level below it.' })
  async coverage(
    @CurrentPrincipal() principal: Principal,
    @Args('campaignId', { type: () => ID }) campaignId: string,
    @Args('nodeId', { type: () => ID }) nodeId: string,
  ): Promise<CoverageModel> {
    const v = await this.views.view(principal, campaignId, nodeId);
    return {
      campaignId: v.campaign.id,
      nodeId: v.node.id,
      nodeName: v.node.name,
      isUnit: v.isUnit,
      suppressed: v.suppressed,
      threshold: v.threshold,
      status: v.status,
      reportStatus: v.report?.status ?? null,
      counts: v.counts,
      bands: v.bands,
      total: v.total,
      children: v.children,
      neverReported: v.neverReported,
      neverReportedCount: v.neverReportedCount,
    };
  }

  @Mutation(() => CampaignModel)
  async createCampaign(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: CreateCampaignGqlInput,
  ): Promise<CampaignModel> {
    return this.views.launch(principal, {
      ...input,
      periodKind: input.periodKind as PeriodKind,
      requirements: input.requirements as BandRequirement[],
    });
  }

  @Mutation(() => Boolean, { description: 'Keep entry open after the lock date for a subtree.' })
  async grantLockException(
    @CurrentPrincipal() principal: Principal,
    @Args('campaignId', { type: () => ID }) campaignId: string,
    @Args('nodeId', { type: () => ID }) nodeId: string,
    @Args('until') until: string,
    @Args('reason') reason: string,
  ): Promise<boolean> {
    await this.reports.grantException(principal, campaignId, nodeId, until, reason);
    return true;
  }

  @Mutation(() => Boolean)
  async declareEnrolment(
    @CurrentPrincipal() principal: Principal,
    @Args('schoolOrgNodeId', { type: () => ID }) schoolOrgNodeId: string,
    @Args('band') band: string,
    @Args('learners', { type: () => Int }) learners: number,
  ): Promise<boolean> {
    await this.enrolment.declare(principal, { schoolOrgNodeId, band: band as GradeBand, learners });
    return true;
  }

  @Mutation(() => ID)
  async recordOfflineSession(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: OfflineSessionGqlInput,
  ): Promise<string> {
    const row = await this.deliveries.recordOfflineSession(principal, {
      ...input,
      band: input.band as GradeBand,
    });
    return row.id;
  }

  @Mutation(() => ReportModel)
  async submitReport(
    @CurrentPrincipal() principal: Principal,
    @Args('campaignId', { type: () => ID }) campaignId: string,
    @Args('nodeId', { type: () => ID }) nodeId: string,
    @Args('remarks', { defaultValue: '' }) remarks: string,
  ): Promise<ReportModel> {
    return this.reports.submit(principal, campaignId, nodeId, remarks);
  }

  @Mutation(() => ReportModel)
  async approveReport(
    @CurrentPrincipal() principal: Principal,
    @Args('campaignId', { type: () => ID }) campaignId: string,
    @Args('nodeId', { type: () => ID }) nodeId: string,
  ): Promise<ReportModel> {
    return this.reports.approve(principal, campaignId, nodeId);
  }

  @Mutation(() => ReportModel)
  async sendBackReport(
    @CurrentPrincipal() principal: Principal,
    @Args('campaignId', { type: () => ID }) campaignId: string,
    @Args('nodeId', { type: () => ID }) nodeId: string,
    @Args('reason') reason: string,
  ): Promise<ReportModel> {
    return this.reports.sendBack(principal, campaignId, nodeId, reason);
  }
}
