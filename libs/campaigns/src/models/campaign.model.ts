import { Field, Float, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { OrgType, SchoolLevel } from '@lib/orgs';

@ObjectType('BandRequirement')
export class BandRequirementModel {
  @Field({ description: 'early-primary, upper-primary, lower-secondary or upper-secondary' })
  band!: string;

  @Field(() => Int)
  minModules!: number;

  @Field(() => Float, { description: 'Share of enrolled pupils, 0–1' })
  minShare!: number;
}

@InputType('BandRequirementInput')
export class BandRequirementInput {
  @Field()
  band!: string;

  @Field(() => Int)
  minModules!: number;

  @Field(() => Float)
  minShare!: number;
}

@ObjectType('Campaign')
export class CampaignModel {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => ID)
  scopeNodeId!: string;

  @Field()
  periodKind!: string;

  @Field()
  periodStart!: string;

  @Field()
  periodEnd!: string;

  @Field(() => [OrgType])
  orgTypes!: OrgType[];

  @Field(() => [SchoolLevel])
  levels!: SchoolLevel[];

  @Field(() => [BandRequirementModel])
  requirements!: BandRequirementModel[];

  @Field(() => Int)
  dueDays!: number;

  @Field(() => Int)
  lockDays!: number;

  @Field(() => [Int])
  reminderDays!: number[];

  @Field()
  status!: string;
}

@InputType('CreateCampaignInput')
export class CreateCampaignGqlInput {
  @Field()
  name!: string;

  @Field(() => ID)
  scopeNodeId!: string;

  @Field({ description: 'school_year, semester or custom' })
  periodKind!: string;

  @Field()
  periodStart!: string;

  @Field()
  periodEnd!: string;

  @Field(() => [OrgType])
  orgTypes!: OrgType[];

  @Field(() => [SchoolLevel], { nullable: true })
  levels?: SchoolLevel[];

  @Field(() => [BandRequirementInput])
  requirements!: BandRequirementInput[];

  @Field(() => Int)
  dueDays!: number;

  @Field(() => Int)
  lockDays!: number;

  @Field(() => [Int], { nullable: true })
  reminderDays?: number[];
}
