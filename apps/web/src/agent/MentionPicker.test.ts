import { describe, expect, it } from 'vitest';
import { matchColleagues } from './MentionPicker';

const people = [
  { id: 'me', name: 'Alex Agent', email: 'agent@demo.test', status: 'ACTIVE' },
  { id: 'a', name: 'Demo Admin', email: 'admin@demo.test', status: 'ACTIVE' },
  { id: 'b', name: 'Ada Lovelace', email: 'ada@demo.test', status: 'ACTIVE' },
  { id: 'c', name: 'Ben Adams', email: 'bena@demo.test', status: 'ACTIVE' },
  { id: 'd', name: 'Adele Gone', email: 'adele@demo.test', status: 'DEACTIVATED' },
];

describe('matchColleagues', () => {
  it('matches the start of a name, of any name word or of the email local part; never yourself or deactivated colleagues', () => {
    expect(matchColleagues(people, 'ad', 'me').map((c) => c.id)).toEqual(['b', 'c', 'a']); // Ada starts with it; Adams and Admin are later words
    expect(matchColleagues(people, 'admin', 'me').map((c) => c.id)).toEqual(['a']);
    expect(matchColleagues(people, 'bena', 'me').map((c) => c.id)).toEqual(['c']);
    expect(matchColleagues(people, '', 'me').map((c) => c.id)).toEqual(['b', 'c', 'a']);
    expect(matchColleagues(people, 'zz', 'me')).toEqual([]);
  });
});
