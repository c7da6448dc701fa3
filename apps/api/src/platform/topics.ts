// Every pub/sub topic and its payload, in one place. Topics are routed by id
// (one Redis channel per conversation, workspace or user), and payloads are
// JSON-safe so that any process can publish them.

export interface Participant {
  type: 'CUSTOMER' | 'AGENT' | 'AI';
  id: string;
  name: string | null;
}

/** Everything a conversation's live feed carries. */
export type ConversationStreamEvent =
  | { type: 'message'; workspaceId: string; conversationId: string; seq: number; messageId: string; /** A private note (staff only). */ note?: boolean }
  | { type: 'updated'; workspaceId: string; conversationId: string; change: string }
  | { type: 'typing'; workspaceId: string; conversationId: string; who: Participant; isTyping: boolean }
  | { type: 'ai_chunk'; workspaceId: string; conversationId: string; replyToSeq: number; delta: string; attempt: string };

export type InboxEventPayload =
  | { kind: 'conversation'; workspaceId: string; conversationId: string; change: string }
  | { kind: 'ticket'; workspaceId: string; ticketId: string; change: string };

export interface PresencePayload {
  workspaceId: string;
  userId: string;
  status: 'ONLINE' | 'AWAY' | 'OFFLINE';
  at: string;
}

export interface NotificationPayload {
  id: string;
  workspaceId: string;
  userId: string;
  kind: 'ASSIGNED' | 'HANDED_OFF' | 'MENTIONED' | 'UNASSIGNED_HANDOFF' | 'WEBHOOK_DISABLED' | 'SLA_BREACHED';
  /** Null for notifications about no conversation (WEBHOOK_DISABLED, SLA_BREACHED). */
  conversationId: string | null;
  /** The ticket it is about (SLA_BREACHED). */
  ticketId?: string | null;
  text: string;
  createdAt: string;
}

export interface EvaluationProgressPayload {
  workspaceId: string;
  runId: string;
  status: string;
  done: number;
  total: number;
}

export interface AlertPayload {
  alertId: string;
  /** Null for installation-wide alerts. */
  workspaceId: string | null;
}

/** A credential stopped being valid: every node re-checks the sockets (and cached verdicts) it concerns. */
export type PrincipalRevokedPayload =
  { kind: 'user'; id: string } | { kind: 'session'; id: string } | { kind: 'apiKey'; id: string } | { kind: 'contact'; id: string };

export type Topics = {
  /** id: conversation id */
  conversation: [string, ConversationStreamEvent];
  /** id: workspace id */
  inbox: [string, InboxEventPayload];
  /** id: workspace id */
  presence: [string, PresencePayload];
  /** id: user id */
  notification: [string, NotificationPayload];
  /** id: evaluation run id */
  evaluation: [string, EvaluationProgressPayload];
  /** id: workspace id, or `system` for installation-wide alerts */
  alert: [string, AlertPayload];
  /** one channel: revocations concern every node */
  principalRevoked: [PrincipalRevokedPayload];
};
