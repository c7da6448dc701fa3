// A graphql-ws client whose conversation feed a test drives: it records each
// subscription (with its variables) and delivers events to the newest one.
import { act } from '@testing-library/react';
import type { Client, Sink } from 'graphql-ws';
import type { ConversationEventsSubscription, MessageFieldsFragment } from '@switchboard/schema/client';

export type FeedEvent = ConversationEventsSubscription['conversationEvents'];

export function fakeFeed() {
  const subscriptions: { variables: Record<string, unknown>; sink: Sink<{ data: ConversationEventsSubscription }> }[] = [];
  const client = {
    subscribe(payload: { variables: Record<string, unknown> }, sink: Sink<{ data: ConversationEventsSubscription }>) {
      subscriptions.push({ variables: { ...payload.variables }, sink });
      return () => undefined;
    },
  } as unknown as Client;
  const deliverEvent = (event: FeedEvent) => act(() => subscriptions.at(-1)!.sink.next({ data: { conversationEvents: event } }));
  const deliver = (message: MessageFieldsFragment) => deliverEvent({ __typename: 'MessageAdded', message } as FeedEvent);
  return { client, subscriptions, deliver, deliverEvent };
}
