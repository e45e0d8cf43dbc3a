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
}
