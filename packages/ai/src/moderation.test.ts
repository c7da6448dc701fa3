import { detectPii, moderateLocally, redactPii } from './moderation.js';

describe('offline moderation', () => {
  it('flags profanity, also disguised, and leaves innocent words that contain a bad one alone', () => {
    expect(moderateLocally('This is fucking useless')).toEqual({ flagged: true, categories: ['profanity'], pii: [], source: 'local' });
    expect(moderateLocally('You are a b1tch').flagged).toBe(true);
    for (const clean of ['I live in Scunthorpe', 'Please assess my class booking', 'How do I get a refund?'])
      expect(moderateLocally(clean).flagged).toBe(false);
  });

  it('redacts emails, phone numbers and Luhn-valid card numbers, not dates, amounts or order numbers', () => {
    expect(redactPii('Mail jane.doe@example.com or call +33 6 12 34 56 78, or (555) 123-4567.')).toBe('Mail [EMAIL] or call [PHONE], or [PHONE].');
    expect(redactPii('Card 4111 1111 1111 1111, expires 12/27')).toBe('Card [CARD], expires 12/27');
    expect(redactPii('my number is 0612345678')).toBe('my number is [PHONE]');
    const innocent = 'Order 123456 of 2024-05-01 cost 1299 and arrives in 5 to 10 days; card 4111-1111-1111-1112 is not valid';
    expect(redactPii(innocent)).toBe(innocent);
    const ids = 'conversation 4f3a1b2c-1234-5678-9abc-def012345678, job 4f3a1b2c-1234-5678-9abc-def012345678:12, ref AB-1234-5678';
    expect(redactPii(ids)).toBe(ids);
    expect(detectPii('write to a@b.io, card 4111111111111111')).toEqual(['email', 'card']);
    expect(moderateLocally('call me on +44 20 7946 0958')).toMatchObject({ flagged: false, pii: ['phone'] });
  });
});
