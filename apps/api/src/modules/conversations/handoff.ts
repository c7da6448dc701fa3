// Handing a conversation to a human: the mode, the reason and the SYSTEM
// note the customer reads. Shared by the conversation service and the
// assistant's job (which must not import the service: it is set off by it).
import type { Em } from '../../platform/database.js';
import { AuthorType } from './message.entity.js';
import type { Timeline } from './timeline.js';
import { ConversationMode, ConversationStatus, type Conversation } from './conversation.entity.js';

/** The note a handed-off customer reads, in their language when we have it (else English). */
const HANDOFF_NOTE: Record<string, string> = {
  en: 'This conversation was handed to a human agent. An agent will be with you shortly.',
  fr: 'Cette conversation a été confiée à un conseiller. Quelqu’un va vous répondre sous peu.',
  de: 'Diese Unterhaltung wurde an einen Mitarbeiter übergeben. Gleich ist jemand für Sie da.',
  es: 'Esta conversación se ha pasado a un agente. Alguien te atenderá en breve.',
};

/**
 * Hands a (locked) conversation to a human: the AI stops answering, the
 * reason is recorded and a SYSTEM note tells the customer, in `language`
 * (ISO 639-1; default the conversation's) when it is one we have.
 */
export function applyHandOff(timeline: Timeline, em: Em, conversation: Conversation, reason: string, language?: string | null) {
  conversation.mode = ConversationMode.HUMAN;
  conversation.handoffReason = reason;
  if (conversation.status === ConversationStatus.RESOLVED) {
    conversation.status = ConversationStatus.OPEN;
    conversation.resolvedAt = null;
  }
  return timeline.append(em, conversation, {
    authorType: AuthorType.SYSTEM,
    body: HANDOFF_NOTE[language ?? conversation.language ?? 'en'] ?? HANDOFF_NOTE['en']!,
  });
}
