// Content moderation of customer messages and AI answers, and PII redaction.
// Offline: profanity through `obscenity` (a maintained matcher that sees
// through leetspeak and spacing tricks while leaving "Scunthorpe" alone) and
// regular expressions for personal data. With an OpenAI-compatible server:
// its /moderations endpoint when it has one; servers without it (Ollama,
// vLLM, LM Studio answer 404) fall back to the offline check.
import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from 'obscenity';

export interface ModerationResult {
  /** The text breaks the content policy (abuse, hate, violence, …): flag it for agents, withhold it from customers. */
  flagged: boolean;
  /** Why, in the provider's words (`profanity`, `harassment`, `hate`, …); empty when not flagged. */
  categories: string[];
  /** Kinds of personal data the text contains (not a policy breach on its own). */
  pii: PiiKind[];
  /** Who judged: `local`, or `openai` (the server's moderation endpoint). */
  source: 'local' | 'openai';
}

export type PiiKind = 'email' | 'phone' | 'card';

const profanity = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
// 13 to 19 digits in groups separated by spaces or dashes; kept only when the Luhn checksum holds.
const CARD = /(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])/g;
// Not inside identifiers (UUIDs, order codes): no letter, digit or dash on either side.
// International (+33 6 12 34 56 78) or national ((555) 123-4567, 06 12 34 56 78) numbers: 7 to 15 digits with separators.
const PHONE = /(?<![\w-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{1,4}(?:[\s.-]?\d{2,4}){1,5}(?![\w-])/g;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const isCard = (match: string) => {
  const digits = match.replace(/\D/g, '');
  return digits.length >= 13 && digits.length <= 19 && luhn(digits);
};

const DATE = /^\s*(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})\s*$/;

const isPhone = (match: string) => {
  if (DATE.test(match)) return false;
  const digits = match.replace(/\D/g, '').length;
  // Dates, amounts and order numbers are digits too: a phone number has 7 to 15 and some structure.
  return digits >= 7 && digits <= 15 && (/[\s().+-]/.test(match.trim()) || digits >= 10);
};

/** Replaces emails, card numbers (Luhn-valid) and phone numbers with [EMAIL], [CARD], [PHONE]: for logs, analytics and third-party models. */
export function redactPii(text: string): string {
  return text
    .replace(EMAIL, '[EMAIL]')
    .replace(CARD, (m) => (isCard(m) ? '[CARD]' : m))
    .replace(PHONE, (m) => {
      if (!isPhone(m)) return m;
      const lead = m.match(/^\s*/)![0];
      return `${lead}[PHONE]`;
    });
}

/** The kinds of personal data `redactPii` would remove from the text. */
export function detectPii(text: string): PiiKind[] {
  const redacted = redactPii(text);
  return (['email', 'card', 'phone'] as const).filter((k) => redacted.includes(`[${k.toUpperCase()}]`));
}

/** The offline check: profanity (obscenity's English dataset) and personal data. */
export function moderateLocally(text: string): ModerationResult {
  const flagged = profanity.hasMatch(text);
  return { flagged, categories: flagged ? ['profanity'] : [], pii: detectPii(text), source: 'local' };
}
