// Moderation of what customers write and what the assistant answers, when
// the workspace has it on (Workspace.moderationEnabled). The deployment's
// provider judges customer messages (its server's /moderations with
// `openai`, the offline check with `local`); the answering configuration's
// provider judges answers. Verdicts never block a customer: a flagged message
// is stored and marked for agents; only AI answers are withheld.
import type { AiProvider } from '@switchboard/ai';
import type { Em } from '../../platform/database.js';
import { findLean } from '../../platform/lean.js';
import type { StoredModeration } from '../conversations/index.js';
import { Workspace } from '../workspaces/index.js';

export interface AssistantSettings {
  moderationEnabled: boolean;
  /** ISO 639-1 codes; the first is the knowledge base's language. */
  supportedLanguages: string[];
}

export async function assistantSettings(em: Em, workspaceId: string): Promise<AssistantSettings> {
  // A plain row: a partly loaded Workspace must not sit in the request's identity map.
  const [w] = await findLean(em, Workspace, { id: workspaceId }, { limit: 1, unscoped: true });
  return { moderationEnabled: w?.moderationEnabled ?? true, supportedLanguages: w?.supportedLanguages?.length ? w.supportedLanguages : ['en'] };
}

/** The verdict to store on a customer message, or null when the workspace does not moderate. */
export async function moderateCustomerMessage(provider: AiProvider, enabled: boolean, text: string): Promise<StoredModeration | null> {
  if (!enabled) return null;
  const { flagged, categories, pii, source } = await provider.moderate(text);
  return { flagged, categories, pii, source };
}
