// Placeholders in canned replies: `{{contact.name}}`, with an optional
// fallback for an unknown value: `{{contact.name|there}}`. A fixed, small
// vocabulary checked when a reply is saved, so a typo fails at once (a
// template engine such as mustache would render it as an empty string when the
// agent sends it, and has no fallback).
import { badInput } from '../../platform/errors.js';

export const PLACEHOLDERS = ['contact.name', 'contact.email', 'agent.name', 'workspace.name'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Partial<Record<Placeholder, string | null | undefined>>;

const PATTERN = /\{\{\s*([a-zA-Z_.]+)\s*(?:\|([^{}]*))?\}\}/g;
const known = new Set<string>(PLACEHOLDERS);

/** BAD_USER_INPUT naming the unknown placeholders of `body`, if any. */
export function checkPlaceholders(body: string): void {
  const unknown = [...body.matchAll(PATTERN)].map((m) => m[1]!).filter((name) => !known.has(name));
  if (unknown.length) {
    throw badInput(
      `Unknown placeholder${unknown.length > 1 ? 's' : ''} ${[...new Set(unknown)].map((u) => `{{${u}}}`).join(', ')}; use ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`,
      'body',
    );
  }
}

/** `body` with its placeholders filled: the value, else the fallback, else nothing. */
export function renderPlaceholders(body: string, values: PlaceholderValues): string {
  return body.replace(PATTERN, (_, name: string, fallback: string | undefined) => {
    const value = values[name as Placeholder]?.trim();
    return value || (fallback ?? '').trim();
  });
}
