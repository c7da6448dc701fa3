import { ArrayMaxSize, ArrayMinSize, IsEnum, IsOptional, Length } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { WebhookDelivery, WebhookDeliveryStatus, WebhookDeliveryTrigger, WebhookEndpoint, WebhookEventType } from './webhook.entity.js';

@InputType()
export class CreateWebhookEndpointInput {
  @Field({
    description: 'https:// (http:// only where WEBHOOK_ALLOW_HTTP is set, for development). Must not resolve to a loopback, private or link-local address.',
  })
  @Length(1, 2048)
  url!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 500)
  description?: string | null;

  @Field(() => [WebhookEventType], { description: 'At least one; `WEBHOOK_TEST` cannot be subscribed to.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsEnum(WebhookEventType, { each: true })
  eventTypes!: WebhookEventType[];

  @Field({ nullable: true, defaultValue: true })
  @IsOptional()
  enabled?: boolean;
}

@InputType()
export class UpdateWebhookEndpointInput {
  @Field(() => ID)
  id!: string;

  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 2048)
  url?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 500)
  description?: string | null;

  @Field(() => [WebhookEventType], { nullable: true })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsEnum(WebhookEventType, { each: true })
  eventTypes?: WebhookEventType[];

  @Field({ nullable: true, description: 'true re-enables an endpoint (also one disabled automatically), false disables it.' })
  @IsOptional()
  enabled?: boolean;
}

@InputType()
export class WebhookDeliveryFilter {
  @Field(() => WebhookDeliveryStatus, { nullable: true })
  @IsOptional()
  status?: WebhookDeliveryStatus;

  @Field(() => WebhookEventType, { nullable: true })
  @IsOptional()
  eventType?: WebhookEventType;

  @Field(() => WebhookDeliveryTrigger, { nullable: true })
  @IsOptional()
  trigger?: WebhookDeliveryTrigger;

  @Field(() => ID, { nullable: true, description: 'Deliveries of this event (its `webhook-id`).' })
  @IsOptional()
  eventId?: string;

  @Field(() => Date, { nullable: true, description: 'Deliveries created at or after this instant.' })
  @IsOptional()
  from?: Date;

  @Field(() => Date, { nullable: true, description: 'Deliveries created before this instant.' })
  @IsOptional()
  to?: Date;
}

export const MAX_OVERLAP_MINUTES = 7 * 24 * 60;

@ObjectType({ description: 'A new endpoint and its signing secret, shown only now.' })
export class CreatedWebhookEndpoint {
  @Field({ description: 'The signing secret (`whsec_…`), for the Standard Webhooks verifier. Shown only now.' })
  secret!: string;

  @Field(() => WebhookEndpoint)
  endpoint!: WebhookEndpoint;
}

@ObjectType({ description: 'An endpoint’s new signing secret, shown only now. Until `endpoint.previousSecretExpiresAt` deliveries are signed with both.' })
export class RotatedWebhookSecret {
  @Field()
  secret!: string;

  @Field(() => WebhookEndpoint)
  endpoint!: WebhookEndpoint;
}

@ObjectType({ description: 'What replayWebhooks scheduled.' })
export class WebhookReplay {
  @Field(() => ID)
  endpointId!: string;

  @Field()
  from!: Date;

  @Field()
  to!: Date;

  @Field(() => Int, { description: 'Events in the window the endpoint subscribes to, each scheduled for delivery again.' })
  count!: number;

  @Field(() => [WebhookDelivery], { description: 'The new deliveries, oldest event first.' })
  deliveries!: WebhookDelivery[];
}
