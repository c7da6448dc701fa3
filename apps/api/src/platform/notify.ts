// Publishing a notification to one staff member's `notifications` feed: the
// one place that stamps its id and time.
import { randomUUID } from 'node:crypto';
import type { PubSub } from './pubsub.js';
import type { NotificationPayload } from './topics.js';

export type NewNotification = Omit<NotificationPayload, 'id' | 'createdAt' | 'conversationId'> & {
  conversationId?: string | null;
  /** A stable id where the same notification may be published twice (default: random). */
  id?: string;
  createdAt?: Date;
};

export function publishNotification(pubSub: PubSub, n: NewNotification) {
  pubSub.publish('notification', n.userId, {
    ...n,
    id: n.id ?? randomUUID(),
    conversationId: n.conversationId ?? null,
    createdAt: (n.createdAt ?? new Date()).toISOString(),
  });
}
