// Every entity, listed explicitly (no discovery by glob).
import { Attachment } from '../modules/attachments/attachment.entity.js';
import { Alert } from '../modules/alerts/alert.entity.js';
import { CannedReply } from '../modules/canned-replies/canned-reply.entity.js';
import { ConversationLabel, Label } from '../modules/labels/label.entity.js';
import { Team, TeamMember } from '../modules/teams/team.entity.js';
import { AuditLog } from '../modules/audit/audit-log.entity.js';
import { RefreshToken } from '../modules/auth/refresh-token.entity.js';
import { User } from '../modules/auth/user.entity.js';
import { Contact } from '../modules/contacts/contact.entity.js';
import { Conversation } from '../modules/conversations/conversation.entity.js';
import { Faq } from '../modules/knowledge/faq.entity.js';
import { FaqCategory } from '../modules/knowledge/faq-category.entity.js';
import { Message } from '../modules/conversations/message.entity.js';
import { Ticket } from '../modules/tickets/ticket.entity.js';
import { TicketComment, TicketEvent } from '../modules/tickets/ticket-activity.entity.js';
import { BusinessCalendar, SlaPolicy } from '../modules/tickets/sla.entity.js';
import { Workspace } from '../modules/workspaces/workspace.entity.js';
import { ApiKey } from '../modules/api-keys/api-key.entity.js';
import { KnowledgeChunk } from '../modules/knowledge/knowledge-chunk.entity.js';
import { JobFailure } from '../modules/system/job-failure.entity.js';
import { ModelConfig } from '../modules/assistant/model-config.entity.js';
import { OutboxEntry } from '../platform/outbox.entity.js';
import { EvaluationCase, EvaluationDataset, EvaluationResult, EvaluationRun } from '../modules/assistant/evaluation.entity.js';
import { IntentModel } from '../modules/assistant/intent-model.entity.js';
import { WebhookDelivery, WebhookEndpoint, WebhookEvent } from '../modules/webhooks/webhook.entity.js';

export const entities = [
  Workspace,
  User,
  RefreshToken,
  Contact,
  Conversation,
  Message,
  Ticket,
  TicketComment,
  TicketEvent,
  BusinessCalendar,
  SlaPolicy,
  FaqCategory,
  Faq,
  AuditLog,
  KnowledgeChunk,
  JobFailure,
  ModelConfig,
  EvaluationDataset,
  EvaluationCase,
  EvaluationRun,
  EvaluationResult,
  IntentModel,
  ApiKey,
  Alert,
  OutboxEntry,
  WebhookEndpoint,
  WebhookEvent,
  WebhookDelivery,
  CannedReply,
  Label,
  ConversationLabel,
  Team,
  TeamMember,
  Attachment,
];
