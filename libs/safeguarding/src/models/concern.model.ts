import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import {
  ConcernCategory,
  ConcernSource,
  ConcernState,
  ContactMethod,
  ReferralTarget,
} from '../safeguarding.constants';

registerEnumType(ConcernState, { name: 'ConcernState' });
registerEnumType(ConcernCategory, { name: 'ConcernCategory' });
registerEnumType(ConcernSource, { name: 'ConcernSource' });
registerEnumType(ReferralTarget, { name: 'ReferralTarget' });
registerEnumType(ContactMethod, { name: 'ContactMethod' });

@ObjectType('ConcernSummary', {
  description: 'A concern report as the queue lists it: no content, only what triage needs.',
})
export class ConcernSummaryModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  schoolOrgNodeId!: string;

  @Field()
  schoolName!: string;

  @Field(() => ConcernSource)
  source!: ConcernSource;

  @Field(() => ConcernCategory)
  category!: ConcernCategory;

  @Field({ description: 'The reporter said the child is in danger now.' })
  imminentDanger!: boolean;

  @Field(() => ConcernState)
  state!: ConcernState;

  @Field(() => ReferralTarget, { nullable: true })
  referredTo!: ReferralTarget | null;

  @Field()
  receivedAt!: Date;

  @Field({ description: 'Deadline for acknowledgement at the current level.' })
  dueAt!: Date;

  @Field({ description: 'New and past its deadline.' })
  overdue!: boolean;

  @Field(() => Int)
  escalationLevel!: number;

  @Field(() => ID, { nullable: true })
  escalatedToOrgNodeId!: string | null;

  @Field()
  erased!: boolean;
}

@ObjectType('ConcernQueuePage', { description: 'One page of the queue and the total.' })
export class ConcernQueuePageModel {
  @Field(() => [ConcernSummaryModel])
  items!: ConcernSummaryModel[];

  @Field(() => Int, { description: 'Reports matching, across all pages.' })
  total!: number;

  @Field(() => Int)
  offset!: number;

  @Field(() => Int)
  limit!: number;
}

@ObjectType('ConcernDetails', { description: 'What the reporter told (decrypted for a lead).' })
export class ConcernDetailsModel {
  @Field()
  description!: string;

  @Field()
  platform!: string;

  @Field({ description: 'A link as typed; never opened or fetched by SafeNest.' })
  url!: string;

  @Field()
  when!: string;

  @Field()
  involved!: string;

  @Field()
  relation!: string;

  @Field({ description: "The reporter's reference code." })
  reference!: string;

  @Field(() => String, { nullable: true })
  reporterName?: string;

  @Field(() => String, { nullable: true })
  serviceName?: string;

  @Field(() => String, { nullable: true })
  pupilReference?: string;
}

@ObjectType('ConcernContact')
export class ConcernContactModel {
  @Field(() => String, { nullable: true })
  email?: string;

  @Field(() => String, { nullable: true })
  phone?: string;

  @Field(() => String, { nullable: true })
  note?: string;
}

@ObjectType('ConcernNote')
export class ConcernNoteModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  authorAccountId!: string;

  @Field()
  body!: string;

  @Field()
  createdAt!: Date;
}

@ObjectType('ConcernReport', {
  description: 'A concern report opened by a lead (the read is audited).',
})
export class ConcernReportModel extends ConcernSummaryModel {
  @Field(() => ConcernDetailsModel, { nullable: true, description: 'Null once erased.' })
  details!: ConcernDetailsModel | null;

  @Field(() => ContactMethod)
  contactMethod!: ContactMethod;

  @Field(() => ConcernContactModel, { nullable: true })
  contact!: ConcernContactModel | null;

  @Field(() => String, { nullable: true })
  outcome!: string | null;

  @Field(() => Date, { nullable: true })
  outcomeNotifiedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  acknowledgedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  closedAt!: Date | null;

  @Field({ description: 'The first triage deadline.' })
  slaDueAt!: Date;

  @Field(() => [ConcernNoteModel])
  notes!: ConcernNoteModel[];
}

@ObjectType('ConcernAuditEntry', { description: 'One row of the append-only, hash-chained trail.' })
export class ConcernAuditEntryModel {
  @Field(() => Int)
  seq!: number;

  @Field()
  actorKind!: string;

  @Field(() => String, { nullable: true })
  actorId!: string | null;

  @Field()
  action!: string;

  @Field({ description: 'JSON: ids and states only.' })
  details!: string;

  @Field()
  at!: Date;

  @Field()
  hash!: string;
}

@ObjectType('ConcernIndicatorRow')
export class ConcernIndicatorRowModel {
  @Field(() => ID, { nullable: true })
  orgNodeId!: string | null;

  @Field()
  name!: string;

  @Field(() => Int, { nullable: true, description: 'Null when suppressed (small cell).' })
  reports!: number | null;

  @Field(() => Int, { nullable: true })
  handledInTime!: number | null;

  @Field(() => Int, { nullable: true })
  referred!: number | null;

  @Field(() => String, { nullable: true })
  handledInTimeRate!: string | null;
}

@ObjectType('ConcernIndicators', {
  description: 'Counts only; small cells suppressed above school level.',
})
export class ConcernIndicatorsModel {
  @Field(() => ID)
  orgNodeId!: string;

  @Field()
  name!: string;

  @Field()
  from!: Date;

  @Field()
  to!: Date;

  @Field()
  suppressed!: boolean;

  @Field(() => Int)
  threshold!: number;

  @Field(() => [ConcernIndicatorRowModel])
  rows!: ConcernIndicatorRowModel[];

  @Field(() => ConcernIndicatorRowModel)
  total!: ConcernIndicatorRowModel;
}
