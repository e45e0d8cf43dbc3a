import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { OrgType, SchoolLevel } from '../entities/org-node.entity';

registerEnumType(OrgType, { name: 'OrgType' });
registerEnumType(SchoolLevel, { name: 'SchoolLevel' });

@ObjectType('OrgNode', {
  description: 'A ministry, province, commune, school or child-protection facility.',
})
export class OrgNodeModel {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Official code' })
  code!: string;

  @Field()
  name!: string;

  @Field(() => OrgType)
  type!: OrgType;

  @Field(() => [SchoolLevel])
  levels!: SchoolLevel[];

  @Field(() => ID, { nullable: true })
  parentId!: string | null;

  @Field(() => Int)
  depth!: number;

  @Field({ description: 'First day of the current shape (YYYY-MM-DD)' })
  validFrom!: string;

  @Field(() => String, { nullable: true, description: 'Day the node was closed or merged' })
  closedOn!: string | null;
}

@ObjectType('OrgNodeVersion', { description: 'A node as it was between two dates.' })
export class OrgNodeVersionModel {
  @Field()
  code!: string;

  @Field()
  name!: string;

  @Field(() => ID, { nullable: true })
  parentId!: string | null;

  @Field(() => [SchoolLevel])
  levels!: SchoolLevel[];

  @Field()
  validFrom!: string;

  @Field(() => String, { nullable: true, description: 'Exclusive end; null while current' })
  validTo!: string | null;

  @Field()
  reason!: string;
}

@ObjectType('OrgImport', { description: 'Progress and problems of an org file import.' })
export class OrgImportModel {
  @Field(() => ID)
  id!: string;

  @Field()
  status!: string;

  @Field()
  dryRun!: boolean;

  @Field(() => Int)
  total!: number;

  @Field(() => Int)
  processed!: number;

  @Field(() => Int)
  created!: number;

  @Field(() => Int)
  updated!: number;

  @Field(() => Int)
  errorCount!: number;

  @Field(() => [OrgImportProblemModel])
  errors!: OrgImportProblemModel[];
}

@ObjectType('OrgImportProblem')
export class OrgImportProblemModel {
  @Field(() => Int)
  line!: number;

  @Field()
  column!: string;

  @Field()
  reason!: string;

  @Field(() => String, { nullable: true })
  value?: string;
}
