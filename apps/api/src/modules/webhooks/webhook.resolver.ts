import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ADMIN_ONLY, scope } from '../../platform/auth-checker.js';
import type { Context } from '../../platform/context.js';
import { ConnectionType, ForwardPageArgs, type Connection } from '../../platform/pagination.js';
import { WebhookDelivery, WebhookEndpoint, WebhookEvent } from './webhook.entity.js';
import {
  CreatedWebhookEndpoint,
  CreateWebhookEndpointInput,
  RotatedWebhookSecret,
  UpdateWebhookEndpointInput,
  WebhookDeliveryFilter,
  WebhookReplay,
} from './webhook.inputs.js';
import { WebhookService } from './webhook.service.js';

const WebhookDeliveryConnection = ConnectionType(WebhookDelivery);
const WEBHOOKS = [...ADMIN_ONLY, scope('webhooks:write')];

@Resolver(() => WebhookEndpoint)
export class WebhookResolver {
  @Authorized(WEBHOOKS)
  @Query(() => [WebhookEndpoint], { description: 'Your workspace’s webhook endpoints, newest first. Admins and API keys with WEBHOOKS_WRITE.' })
  webhookEndpoints(@Ctx() ctx: Context): Promise<WebhookEndpoint[]> {
    return new WebhookService(ctx).list();
  }

  @Authorized(WEBHOOKS)
  @Query(() => WebhookDeliveryConnection, { description: 'An endpoint’s deliveries, newest first: status, attempts, last response code and latency.' })
  webhookDeliveries(
    @Arg('endpointId', () => ID) endpointId: string,
    @Arg('filter', () => WebhookDeliveryFilter, { nullable: true }) filter: WebhookDeliveryFilter | null | undefined,
    @Args() page: ForwardPageArgs,
    @Ctx() ctx: Context,
  ): Promise<Connection<WebhookDelivery>> {
    return new WebhookService(ctx).deliveries(endpointId, filter, page.first ?? undefined, page.after ?? undefined);
  }

  @Authorized(WEBHOOKS)
  @Mutation(() => CreatedWebhookEndpoint, { description: 'Registers an endpoint. Its signing secret is in the result, and only there (audited).' })
  createWebhookEndpoint(@Arg('input') input: CreateWebhookEndpointInput, @Ctx() ctx: Context): Promise<CreatedWebhookEndpoint> {
    return new WebhookService(ctx).create(input);
  }

  @Authorized(WEBHOOKS)
  @Mutation(() => WebhookEndpoint, { description: 'Changes an endpoint’s URL, description, event types, or enables/disables it (audited).' })
  updateWebhookEndpoint(@Arg('input') input: UpdateWebhookEndpointInput, @Ctx() ctx: Context): Promise<WebhookEndpoint> {
    return new WebhookService(ctx).update(input);
  }

  @Authorized(WEBHOOKS)
  @Mutation(() => RotatedWebhookSecret, {
    description:
      'Replaces the signing secret. For `overlapMinutes` (default 1440 = 24 h, at most 7 days) deliveries carry signatures with both the new and the previous secret, so receivers can switch without losing a delivery (audited).',
  })
  rotateWebhookSecret(
    @Arg('id', () => ID) id: string,
    @Arg('overlapMinutes', () => Int, { defaultValue: 1440 }) overlapMinutes: number,
    @Ctx() ctx: Context,
  ): Promise<RotatedWebhookSecret> {
    return new WebhookService(ctx).rotateSecret(id, overlapMinutes);
  }

  @Authorized(WEBHOOKS)
  @Mutation(() => ID, { description: 'Deletes an endpoint and its delivery log; pending deliveries are dropped (audited).' })
  deleteWebhookEndpoint(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<string> {
    return new WebhookService(ctx).delete(id);
  }

  @Authorized(WEBHOOKS)
  @Mutation(() => WebhookDelivery, { description: 'Sends a `webhook.test` event to this endpoint; follow it in webhookDeliveries.' })
  sendTestWebhook(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<WebhookDelivery> {
    return new WebhookService(ctx).sendTest(id);
  }

  @Authorized(WEBHOOKS)
  @Mutation(() => WebhookDelivery, { description: 'Sends a delivery’s event again to its endpoint, with the same `webhook-id`, as a new delivery.' })
  redeliverWebhook(@Arg('deliveryId', () => ID) deliveryId: string, @Ctx() ctx: Context): Promise<WebhookDelivery> {
    return new WebhookService(ctx).redeliver(deliveryId);
  }

  @Authorized(WEBHOOKS)
  @Mutation(() => WebhookReplay, {
    description:
      'Sends again every event that occurred in [from, to) and that the endpoint subscribes to, each with its original `webhook-id` (at most 5000; audited).',
  })
  replayWebhooks(@Arg('endpointId', () => ID) endpointId: string, @Arg('from') from: Date, @Arg('to') to: Date, @Ctx() ctx: Context): Promise<WebhookReplay> {
    return new WebhookService(ctx).replay(endpointId, from, to);
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @FieldResolver(() => WebhookEvent, { description: 'The event sent, with its payload.' })
  event(@Root() delivery: WebhookDelivery): Promise<WebhookEvent> {
    return delivery.event.load() as Promise<WebhookEvent>;
  }
}
