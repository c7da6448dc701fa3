// Courtesies that need no knowledge: a bare greeting or thanks gets a friendly
// reply from the assistant instead of a handoff for "missing knowledge".
// Anything with content beyond the courtesy ("hi, my order is late") is not
// small talk and goes through retrieval as usual.

export type SmallTalk = 'greeting' | 'thanks';

const GREETING = new Set([
  'hi',
  'hello',
  'hey',
  'hiya',
  'howdy',
  'yo',
  'greetings',
  'good morning',
  'good afternoon',
  'good evening',
  'morning',
  'hola',
  'bonjour',
  'hallo',
  'ciao',
  'olá',
  'ola',
]);
const THANKS = new Set([
  'thanks',
  'thank you',
  'thx',
  'ty',
  'cheers',
  'many thanks',
  'thanks a lot',
  'thank you so much',
  'thanks so much',
  'great thanks',
  'ok thanks',
  'okay thanks',
  'perfect thanks',
  'awesome thanks',
  'gracias',
  'merci',
  'danke',
  'obrigado',
  'obrigada',
  'grazie',
]);
/** Words that may accompany a courtesy without adding a question. */
const FILLER = new Set([
  'there',
  'team',
  'everyone',
  'all',
  'again',
  'very',
  'much',
  'a',
  'lot',
  'so',
  'you',
  'guys',
  'folks',
  'ok',
  'okay',
  'great',
  'perfect',
  'awesome',
]);

export function detectSmallTalk(text: string): SmallTalk | null {
  const words = text
    .toLowerCase()
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
  if (!words.length || words.length > 6) return null;
  let kind: SmallTalk | null = null;
  for (let i = 0; i < words.length;) {
    const two = i + 1 < words.length ? `${words[i]} ${words[i + 1]}` : '';
    const three = i + 2 < words.length ? `${two} ${words[i + 2]}` : '';
    const match = [three, two, words[i]!].find((w) => w && (GREETING.has(w) || THANKS.has(w)));
    if (match) {
      // Thanks wins over a greeting ("hi, thanks!" ends a conversation rather than starting one).
      kind = THANKS.has(match) ? 'thanks' : (kind ?? 'greeting');
      i += match.split(' ').length;
    } else if (FILLER.has(words[i]!)) i += 1;
    else return null;
  }
  return kind;
}

/** The assistant's reply to a courtesy. */
export function smallTalkReply(kind: SmallTalk): string {
  return kind === 'greeting' ? 'Hi! How can I help you today?' : 'You’re welcome! Is there anything else I can help you with?';
}
