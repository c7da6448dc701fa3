// @mentions in private notes: `@` followed by a colleague's name (any case,
// spaces included: "@Alex Agent") or the local part of their email
// ("@alex"), ending at a character that cannot continue a name. The longest
// match wins, so "@Ann Lee" mentions Ann Lee, not Ann; a name wins over an
// email local part of the same length.
import { publishNotification } from '../../platform/notify.js';
import type { PubSub } from '../../platform/pubsub.js';

export interface MentionedUser {
  id: string;
  name: string;
  email: string;
}

// A full stop may end the sentence after a mention ("thanks @alex.").
const continuesName = (ch: string | undefined) => ch != null && /[\p{L}\p{N}_-]/u.test(ch);

/** The users `body` mentions, each once, in order of first mention. */
export function findMentions<U extends MentionedUser>(body: string, users: readonly U[]): U[] {
  // Longest first; at equal length a name before an email local part.
  const handles = users
    .flatMap((user) => [
      { handle: user.name.trim().toLowerCase(), user, rank: 0 },
      { handle: (user.email.split('@')[0] ?? '').toLowerCase(), user, rank: 1 },
    ])
    .filter((h) => h.handle.length > 0)
    .sort((a, b) => b.handle.length - a.handle.length || a.rank - b.rank);
  const lower = body.toLowerCase();
  const found: U[] = [];
  for (let at = lower.indexOf('@'); at >= 0; at = lower.indexOf('@', at + 1)) {
    // An email address in the text ("ann@example.com") mentions nobody.
    if (at > 0 && /[\p{L}\p{N}_.+-]/u.test(lower[at - 1]!)) continue;
    const match = handles.find(({ handle }) => lower.startsWith(handle, at + 1) && !continuesName(lower[at + 1 + handle.length]));
    if (match && !found.includes(match.user)) found.push(match.user);
  }
  return found;
}

/** Tells a mentioned colleague, on their notifications feed: about a note in a conversation, or a ticket's internal comment. */
export function publishMention(
  pubSub: PubSub,
  userId: string,
  mention: { workspaceId: string; authorName: string; body: string; conversationId?: string; ticket?: { id: string; subject: string } },
) {
  const excerpt = mention.body.length > 120 ? `${mention.body.slice(0, 119)}…` : mention.body;
  publishNotification(pubSub, {
    workspaceId: mention.workspaceId,
    userId,
    kind: 'MENTIONED',
    conversationId: mention.conversationId ?? null,
    ticketId: mention.ticket?.id ?? null,
    text: mention.ticket
      ? `${mention.authorName} mentioned you on ticket “${mention.ticket.subject}”: ${excerpt}`
      : `${mention.authorName} mentioned you in a note: ${excerpt}`,
  });
}
