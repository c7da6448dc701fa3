import { describeViolation, formatError, isDependencyUnavailable } from './errors.js';

describe('validation error messages', () => {
  it('name each field once, with its full path', () => {
    // class-validator's own messages start with the (leaf) property name.
    expect(describeViolation('name', 'name must be shorter than or equal to 120 characters')).toBe('name must be shorter than or equal to 120 characters');
    expect(describeViolation('input.name', 'name must be shorter than or equal to 120 characters')).toBe(
      'input.name must be shorter than or equal to 120 characters',
    );
    expect(describeViolation('weights.0.weight', 'weight must not be less than 0')).toBe('weights.0.weight must not be less than 0');
    expect(describeViolation('input.tags', 'each value in tags must be shorter than or equal to 40 characters')).toBe(
      'each value in input.tags must be shorter than or equal to 40 characters',
    );
    // Custom messages do not: the field goes in front.
    expect(describeViolation('subject', 'must not be blank')).toBe('subject must not be blank');
    expect(describeViolation('input.subject', 'must not be blank')).toBe('input.subject must not be blank');
    // A message that merely starts with a longer word is not mistaken for the property.
    expect(describeViolation('name', 'names must differ')).toBe('name names must differ');
  });

  it('formats class-validator errors into one readable message and keeps the structured list', () => {
    const formatted = formatError(
      {
        message: 'Argument Validation Error',
        extensions: {
          code: 'BAD_USER_INPUT',
          validationErrors: [
            { property: 'password', constraints: { isLength: 'password must be longer than or equal to 8 characters' } },
            {
              property: 'input',
              children: [
                { property: 'subject', constraints: { matches: 'must not be blank' } },
                { property: 'name', constraints: { maxLength: 'name must be shorter than or equal to 120 characters' } },
              ],
            },
          ],
        },
      },
      null,
      { production: true },
    );
    expect(formatted.message).toBe(
      'Invalid input: password must be longer than or equal to 8 characters; input.subject must not be blank; input.name must be shorter than or equal to 120 characters',
    );
    expect(formatted.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      validation: [
        { field: 'password', message: 'password must be longer than or equal to 8 characters' },
        { field: 'input.subject', message: 'must not be blank' },
        { field: 'input.name', message: 'name must be shorter than or equal to 120 characters' },
      ],
    });
  });
});

describe('a database that cannot be reached', () => {
  it('is UNAVAILABLE with a retry hint, not INTERNAL, whichever layer reports it', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const shutdown = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    const startingUp = Object.assign(new Error('the database system is starting up'), { code: '57P03' });
    const wrapped = Object.assign(new Error('select 1 - Connection terminated unexpectedly'), {
      name: 'DriverException',
      previous: new Error('Connection terminated unexpectedly'),
    });
    for (const err of [refused, shutdown, startingUp, wrapped]) {
      expect(isDependencyUnavailable(err)).toBe(true);
      expect(formatError({ message: err.message }, { originalError: err }, { production: true, requestId: 'r1' }).extensions).toEqual({
        code: 'UNAVAILABLE',
        retryAfter: 2,
        requestId: 'r1',
      });
    }
    // A statement the database rejected is a bug (or the client's input), not an outage.
    const unique = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
    expect(isDependencyUnavailable(unique)).toBe(false);
    expect(formatError({ message: unique.message }, { originalError: unique }, { production: true }).extensions?.code).toBe('INTERNAL');
  });
});
