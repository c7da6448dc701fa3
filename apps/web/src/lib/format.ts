export function timeOfDay(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "just now", "5 min ago", "3 h ago", else the date. */
export function relativeTime(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return new Date(t).toLocaleDateString();
}

export function percent(value: number | null | undefined, digits = 0): string {
  return value == null ? '—' : `${(value * 100).toFixed(digits)}%`;
}

export function humanize(code: string | null | undefined): string {
  if (!code) return '';
  const s = code.replace(/[_-]+/g, ' ').toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const HANDOFF_REASONS: Record<string, string> = {
  missing_knowledge: 'Not in the knowledge base',
  low_confidence: 'AI not confident enough',
  customer_request: 'Customer asked for a person',
  provider_error: 'AI model unavailable',
  job_failed: 'AI reply failed',
  unsupported_language: 'Unsupported language',
  policy_restriction: 'AI answer withheld by moderation',
  ungrounded_answer: 'AI answer not supported by the sources',
  agent_took_over: 'Agent took over',
  agent_request: 'Handed over by an agent',
  other: 'Other',
};

/** A handoff reason (HandoffReason) as people say it; unknown codes are humanized. */
export function handoffReasonLabel(reason: string | null | undefined): string {
  if (!reason) return '';
  return HANDOFF_REASONS[reason] ?? humanize(reason);
}

export function contactName(contact: { name: string | null; email: string | null }): string {
  return contact.name || contact.email || 'Anonymous visitor';
}

/** Seconds as "42 s", "5 min", "1.5 h" or "2.0 d"; "—" when there is none. */
export function duration(seconds: number | null | undefined): string {
  if (seconds == null) return '—';
  if (seconds > 0 && seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 10 && !Number.isInteger(seconds)) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** CUSTOMER, AGENT, AI, SYSTEM as people say them. */
export function authorTypeLabel(type: string): string {
  return type === 'AI' ? 'AI' : humanize(type);
}
