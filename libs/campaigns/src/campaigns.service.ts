import { OrgNodeEntity, OrgsService, OrgType, SchoolLevel, isIsoDate } from '@lib/orgs';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, Repository } from 'typeorm';
import {
  addDays,
  BandRequirement,
  bandsOfLevels,
  endOfDay,
  GRADE_BANDS,
  isGradeBand,
  PERIOD_KINDS,
  PeriodKind,
  REPORTING_TYPES,
} from './campaigns.constants';
import { CampaignsErrorCode, CampaignsException } from './campaigns.exception';
import { CampaignEntity, CampaignLockExceptionEntity } from './entities/campaign.entity';

export interface CreateCampaignInput {
  name: string;
  scopeNodeId: string;
  periodKind: PeriodKind;
  periodStart: string;
  periodEnd: string;
  orgTypes: OrgType[];
  levels?: SchoolLevel[];
  requirements: BandRequirement[];
  dueDays: number;
  lockDays: number;
  reminderDays?: number[];
}

const invalid = (message: string, field: string): CampaignsException =>
  new CampaignsException(CampaignsErrorCode.CAMPAIGN_INVALID, message, { field });

@Injectable()
export class CampaignsService {
  private readonly logger = new Logger(CampaignsService.name);

  constructor(
    @InjectRepository(CampaignEntity) private readonly campaigns: Repository<CampaignEntity>,
    @InjectRepository(CampaignLockExceptionEntity)
    private readonly exceptions: Repository<CampaignLockExceptionEntity>,
    private readonly orgs: OrgsService,
  ) {}

  /** Checks a definition; throws CAMPAIGN_INVALID naming the first bad field. */
  validate(input: CreateCampaignInput, scope: OrgNodeEntity): void {
    if (![OrgType.MINISTRY, OrgType.PROVINCE].includes(scope.type)) {
      throw new CampaignsException(
        CampaignsErrorCode.CAMPAIGN_SCOPE_INVALID,
        'Campaigns are defined at a ministry or a province.',
        { scopeNodeId: scope.id },
      );
    }
    const name = input.name.trim();
    if (name.length < 3 || name.length > 200) {
      throw invalid('Name must have 3 to 200 characters.', 'name');
    }
    if (!PERIOD_KINDS.includes(input.periodKind)) {
      throw invalid('Unknown period kind.', 'periodKind');
    }
    if (!isIsoDate(input.periodStart)) {
      throw invalid('Start is not a date.', 'periodStart');
    }
    if (!isIsoDate(input.periodEnd) || input.periodEnd < input.periodStart) {
      throw invalid('End must be a date on or after the start.', 'periodEnd');
    }
    if (
      input.orgTypes.length === 0 ||
      input.orgTypes.some((t) => !(REPORTING_TYPES as readonly OrgType[]).includes(t))
    ) {
      throw invalid('Choose schools, facilities or both.', 'orgTypes');
    }
    if ((input.levels ?? []).some((l) => !Object.values(SchoolLevel).includes(l))) {
      throw invalid('Unknown school level.', 'levels');
    }
    if (input.requirements.length === 0) {
      throw invalid('Give at least one grade band requirement.', 'requirements');
    }
    const seen = new Set<string>();
    for (const r of input.requirements) {
      if (!isGradeBand(r.band) || seen.has(r.band)) {
        throw invalid('Each band once, one of the four bands.', 'requirements');
      }
      seen.add(r.band);
      if (!Number.isInteger(r.minModules) || r.minModules < 1 || r.minModules > 50) {
        throw invalid('Minimum modules must be 1 to 50.', 'requirements');
      }
      if (!(r.minShare >= 0 && r.minShare <= 1)) {
        throw invalid('Minimum share must be between 0 and 100%.', 'requirements');
      }
    }
    if (!Number.isInteger(input.dueDays) || input.dueDays < 0 || input.dueDays > 365) {
      throw invalid('Due days must be 0 to 365.', 'dueDays');
    }
    if (
      !Number.isInteger(input.lockDays) ||
      input.lockDays < input.dueDays ||
      input.lockDays > 730
    ) {
      throw invalid('Entry must lock on or after the due date.', 'lockDays');
    }
    if ((input.reminderDays ?? []).some((d) => !Number.isInteger(d) || d < 0 || d > 365)) {
      throw invalid('Reminder days must be whole days before the due date.', 'reminderDays');
    }
  }

  async create(
    input: CreateCampaignInput,
    createdBy: string | null,
    manager?: EntityManager,
  ): Promise<CampaignEntity> {
    const scope = await this.orgs.getById(input.scopeNodeId, manager);
    this.validate(input, scope);
    const repo = manager ? manager.getRepository(CampaignEntity) : this.campaigns;
    const order = (b: string): number => GRADE_BANDS.indexOf(b as never);
    const campaign = repo.create({
      id: randomUUID(),
      name: input.name.trim(),
      scopeNodeId: scope.id,
      scopePath: scope.path,
      periodKind: input.periodKind,
      periodStart: input.periodStart,
      periodEnd: input.periodEnd,
      orgTypes: [...new Set(input.orgTypes)],
      levels: [...new Set(input.levels ?? [])],
      requirements: [...input.requirements].sort((a, b) => order(a.band) - order(b.band)),
      dueDays: input.dueDays,
      lockDays: input.lockDays,
      reminderDays: [...new Set(input.reminderDays ?? [])].sort((a, b) => b - a),
      status: 'active',
      createdBy,
    });
    await repo.insert(campaign);
    this.logger.log({ msg: 'campaign created', campaignId: campaign.id, scopeNodeId: scope.id });
    return campaign;
  }

  async get(id: string, manager?: EntityManager): Promise<CampaignEntity> {
    const repo = manager ? manager.getRepository(CampaignEntity) : this.campaigns;
    const c = await repo.findOne({ where: { id } });
    if (!c) {
      throw new CampaignsException(CampaignsErrorCode.CAMPAIGN_NOT_FOUND, 'No such campaign.', {
        id,
      });
    }
    return c;
  }

  /** Campaigns that concern a node: defined above it, at it, or inside its subtree. */
  async forNode(nodePath: string): Promise<CampaignEntity[]> {
    const all = await this.campaigns.find({ order: { periodStart: 'DESC', name: 'ASC' } });
    return all.filter((c) => nodePath.startsWith(c.scopePath) || c.scopePath.startsWith(nodePath));
  }

  async active(manager?: EntityManager): Promise<CampaignEntity[]> {
    const repo = manager ? manager.getRepository(CampaignEntity) : this.campaigns;
    return repo.find({ where: { status: 'active' } });
  }

  /** Whether a reporting unit (school or facility) is expected to report in the campaign. */
  expects(
    c: CampaignEntity,
    node: Pick<OrgNodeEntity, 'path' | 'type' | 'levels' | 'closedOn'>,
  ): boolean {
    return (
      node.path.startsWith(c.scopePath) &&
      !node.closedOn &&
      c.orgTypes.includes(node.type) &&
      (node.type !== OrgType.SCHOOL ||
        ((c.levels.length === 0 || node.levels.some((l) => c.levels.includes(l))) &&
          // a school is held only to bands it teaches and the campaign requires
          bandsOfLevels(node.levels).some((b) => c.requirements.some((r) => r.band === b))))
    );
  }

  /** Active campaigns whose period contains `date` and that expect this unit. */
  async covering(
    node: Pick<OrgNodeEntity, 'path' | 'type' | 'levels' | 'closedOn'>,
    date: string,
    manager?: EntityManager,
  ): Promise<CampaignEntity[]> {
    const all = await this.active(manager);
    return all.filter((c) => c.periodStart <= date && date <= c.periodEnd && this.expects(c, node));
  }

  dueAt(c: CampaignEntity): Date {
    return endOfDay(addDays(c.periodEnd, c.dueDays));
  }

  lockAt(c: CampaignEntity): Date {
    return endOfDay(addDays(c.periodEnd, c.lockDays));
  }

  /** Entry is open before the lock date, and after it where an exception covers the node. */
  async entryOpen(c: CampaignEntity, nodePath: string, now = new Date()): Promise<boolean> {
    if (now < this.lockAt(c)) {
      return true;
    }
    const exceptions = await this.exceptions.find({ where: { campaignId: c.id } });
    return exceptions.some((e) => nodePath.startsWith(e.orgPath) && now < endOfDay(e.until));
  }

  async grantException(input: {
    campaignId: string;
    orgNodeId: string;
    until: string;
    reason: string;
    grantedBy: string | null;
  }): Promise<CampaignLockExceptionEntity> {
    const c = await this.get(input.campaignId);
    const node = await this.orgs.getById(input.orgNodeId);
    if (!node.path.startsWith(c.scopePath)) {
      throw new CampaignsException(
        CampaignsErrorCode.CAMPAIGN_SCOPE_INVALID,
        'The organisation is outside the campaign.',
        { orgNodeId: node.id },
      );
    }
    if (!isIsoDate(input.until)) {
      throw invalid('Until is not a date.', 'until');
    }
    const reason = input.reason.trim().slice(0, 500);
    if (!reason) {
      throw invalid('Give a reason.', 'reason');
    }
    const row = this.exceptions.create({
      campaignId: c.id,
      orgNodeId: node.id,
      orgPath: node.path,
      until: input.until,
      reason,
      grantedBy: input.grantedBy,
    });
    await this.exceptions.insert(row);
    return row;
  }

  async exceptionsOf(campaignId: string): Promise<CampaignLockExceptionEntity[]> {
    return this.exceptions.find({ where: { campaignId }, order: { createdAt: 'DESC' } });
  }
}
