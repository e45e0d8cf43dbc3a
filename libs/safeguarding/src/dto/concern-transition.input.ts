import { Field, ID, InputType } from '@nestjs/graphql';
import { ConcernState, ReferralTarget } from '../safeguarding.constants';

@InputType('ConcernTransitionInput')
export class ConcernTransitionInput {
  @Field(() => ID)
  reportId!: string;

  @Field(() => ConcernState)
  to!: ConcernState;

  @Field(() => ReferralTarget, { nullable: true, description: 'Required when `to` is REFERRED.' })
  referredTo?: ReferralTarget;

  @Field(() => String, { nullable: true, description: 'A case note (encrypted).' })
  note?: string;

  @Field(() => String, {
    nullable: true,
    description: 'Message for the reporter; e-mailed if they left an address.',
  })
  outcome?: string;

  @Field({ nullable: true, defaultValue: true })
  notifyReporter?: boolean;
}
