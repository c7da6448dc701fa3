import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, getMetadataStorage } from 'type-graphql';
import { AuthResolver } from '../modules/auth/auth.resolver.js';
import { TeamResolver } from '../modules/auth/team.resolver.js';
import { ConversationResolver } from '../modules/conversations/conversation.resolver.js';
import { KnowledgeResolver } from '../modules/knowledge/knowledge.resolver.js';
import { MessageResolver } from '../modules/conversations/message.resolver.js';
import { TicketCommentResolver, TicketEventResolver, TicketResolver } from '../modules/tickets/ticket.resolver.js';
import { RealtimeResolver } from '../modules/realtime/realtime.resolver.js';
import { SystemResolver } from '../modules/system/system.resolver.js';
import { ApiKeyResolver } from '../modules/api-keys/api-key.resolver.js';
import { AnalyticsResolver } from '../modules/analytics/analytics.resolver.js';
import { AuditResolver } from '../modules/audit/audit.resolver.js';
import { ContactResolver } from '../modules/contacts/contact.resolver.js';
import { WorkspaceResolver } from '../modules/workspaces/workspace.resolver.js';
import { AiResolver, EvaluationRunResolver, MessageAiResolver } from '../modules/assistant/ai.resolver.js';
import { AttachmentResolver, MessageAttachmentsResolver } from '../modules/attachments/index.js';
import { AlertResolver } from '../modules/alerts/alert.resolver.js';
import { CannedReplyResolver } from '../modules/canned-replies/index.js';
import { ConversationLabelsResolver, LabelResolver } from '../modules/labels/index.js';
import { ConversationTeamResolver, TeamsResolver } from '../modules/teams/team.resolver.js';
import { WebhookDeliveryResolver, WebhookResolver } from '../modules/webhooks/webhook.resolver.js';
import { authChecker } from '../platform/auth-checker.js';
import { createAppPubSub, type PubSub } from '../platform/pubsub.js';

export const resolvers = [
  AuthResolver,
  TeamResolver,
  ConversationResolver,
  MessageResolver,
  TicketResolver,
  TicketCommentResolver,
  TicketEventResolver,
  KnowledgeResolver,
  RealtimeResolver,
  SystemResolver,
  AiResolver,
  EvaluationRunResolver,
  MessageAiResolver,
  ApiKeyResolver,
  AnalyticsResolver,
  AuditResolver,
  ContactResolver,
  WorkspaceResolver,
  AlertResolver,
  WebhookResolver,
  WebhookDeliveryResolver,
  CannedReplyResolver,
  LabelResolver,
  TeamsResolver,
  ConversationTeamResolver,
  ConversationLabelsResolver,
  AttachmentResolver,
  MessageAttachmentsResolver,
] as const;

/**
 * Plain properties (no roles, no middlewares) are read by graphql-js's default
 * resolver instead of a type-graphql wrapper: a list of 50 conversations
 * otherwise pays a wrapper call per field per row. Fields with their own
 * `@Authorized` or middlewares keep the wrapper (and their checks).
 */
function useDefaultResolversForPlainFields() {
  for (const field of getMetadataStorage().fields) {
    const plain = !field.roles?.length && !field.middlewares?.length && field.schemaName === field.name;
    if (field.simple === undefined && plain) field.simple = true;
  }
}

export function createSchema(pubSub: PubSub): Promise<GraphQLSchema> {
  useDefaultResolversForPlainFields();
  return buildSchema({
    resolvers: [...resolvers],
    authChecker,
    // Our subscriptions bring their own `subscribe`; type-graphql still wants one.
    pubSub: pubSub as never,
    validate: { forbidUnknownValues: false, stopAtFirstError: false },
    emitSchemaFile: false,
  });
}

/** The SDL as committed in packages/schema/schema.graphql (sorted, so diffs are stable). */
export async function printContract(): Promise<string> {
  return printSchema(lexicographicSortSchema(await createSchema(createAppPubSub().pubSub))) + '\n';
}
