import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('CoverageCounts', { description: 'Reporting figures (DHIS2-style) of a node.' })
export class CoverageCountsModel {
  @Field(() => Int) expected!: number;
  @Field(() => Int) received!: number;
  @Field(() => Int) onTime!: number;
  @Field(() => Int) approved!: number;
  @Field(() => Int) met!: number;
  @Field(() => Int) atRisk!: number;
  @Field(() => Int) started!: number;
  @Field(() => Int) notStarted!: number;
  @Field(() => String, { nullable: true }) reportingRate!: string | null;
  @Field(() => String, { nullable: true }) onTimeRate!: string | null;
  @Field(() => String, { nullable: true }) metRate!: string | null;
}

@ObjectType('CoverageBandFigures', {
  description: 'Pupil counts of a band; null means hidden by small-cell suppression.',
})
export class BandFiguresModel {
  @Field() band!: string;
  @Field(() => Int, { nullable: true }) enrolled!: number | null;
  @Field(() => Int, { nullable: true }) reached!: number | null;
  @Field(() => Int, { nullable: true }) completed!: number | null;
  @Field(() => String, { nullable: true }) reachedRate!: string | null;
  @Field(() => String, { nullable: true }) completedRate!: string | null;
}

@ObjectType('CoverageRow')
export class CoverageRowModel {
  @Field(() => ID) id!: string;
  @Field() code!: string;
  @Field() name!: string;
  @Field() type!: string;
  @Field() isUnit!: boolean;
  @Field(() => CoverageCountsModel) counts!: CoverageCountsModel;
  @Field(() => String, { nullable: true }) status!: string | null;
  @Field(() => String, { nullable: true }) reportStatus!: string | null;
  @Field(() => [BandFiguresModel]) bands!: BandFiguresModel[];
  @Field(() => BandFiguresModel) total!: BandFiguresModel;
}

@ObjectType('CoverageUnitRef')
export class UnitRefModel {
  @Field(() => ID) id!: string;
  @Field() code!: string;
  @Field() name!: string;
}

@ObjectType('Coverage', { description: 'One node of one campaign, with the level below.' })
export class CoverageModel {
  @Field(() => ID) campaignId!: string;
  @Field(() => ID) nodeId!: string;
  @Field() nodeName!: string;
  @Field() isUnit!: boolean;
  @Field() suppressed!: boolean;
  @Field(() => Int) threshold!: number;
  @Field(() => String, { nullable: true }) status!: string | null;
  @Field(() => String, { nullable: true }) reportStatus!: string | null;
  @Field(() => CoverageCountsModel) counts!: CoverageCountsModel;
  @Field(() => [BandFiguresModel]) bands!: BandFiguresModel[];
  @Field(() => BandFiguresModel) total!: BandFiguresModel;
  @Field(() => [CoverageRowModel]) children!: CoverageRowModel[];
  @Field(() => [UnitRefModel]) neverReported!: UnitRefModel[];
  @Field(() => Int) neverReportedCount!: number;
}

@ObjectType('CoverageReport')
export class ReportModel {
  @Field(() => ID) campaignId!: string;
  @Field(() => ID) orgNodeId!: string;
  @Field() status!: string;
  @Field() onTime!: boolean;
  @Field(() => Date, { nullable: true }) submittedAt!: Date | null;
  @Field(() => String, { nullable: true }) returnedReason!: string | null;
}

@InputType('OfflineSessionInput')
export class OfflineSessionGqlInput {
  @Field(() => ID) schoolOrgNodeId!: string;
  @Field() heldOn!: string;
  @Field() band!: string;
  @Field(() => [Int], { nullable: true }) grades?: number[];
  @Field(() => String, { nullable: true }) moduleId?: string | null;
  @Field(() => String, { nullable: true }) topic?: string | null;
  @Field(() => Int) participants!: number;
  @Field() evidenceNote!: string;
}
