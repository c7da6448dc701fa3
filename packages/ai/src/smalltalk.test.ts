import { detectSmallTalk, smallTalkReply } from './smalltalk.js';

describe('small talk', () => {
  it.each([
    ['Hi', 'greeting'],
    ['hello there!', 'greeting'],
    ['Good morning team', 'greeting'],
    ['Hey 👋', 'greeting'],
    ['Thanks!', 'thanks'],
    ['thank you so much', 'thanks'],
    ['ok thanks, great', 'thanks'],
    ['Hi, thanks again', 'thanks'],
    ['Merci !', 'thanks'],
  ])('%s → %s', (text, kind) => {
    expect(detectSmallTalk(text)).toBe(kind);
  });

  it.each([
    'Hi, my order is late',
    'Thanks, but how do I get a refund?',
    'How do I reset my password?',
    'hello can you help me with billing',
    '',
    'ok',
    'no thanks, I want a person',
  ])('is not small talk: %j', (text) => {
    expect(detectSmallTalk(text)).toBeNull();
  });

  it('answers each kind in words', () => {
    expect(smallTalkReply('greeting')).toMatch(/help/);
    expect(smallTalkReply('thanks')).toMatch(/welcome/);
  });
});
