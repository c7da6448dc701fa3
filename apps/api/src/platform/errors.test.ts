import { expectError, startTestServer, type TestServer } from '../../test/testkit.js';
import { describeViolation, formatError } from './errors.js';

describe('validation error messages', () => {
  it('name each field once, with its full path', () => {
    // class-validator's own messages start with the (leaf) property name.
    expect(describeViolation('name', 'name must be shorter than or equal to 120 characters')).toBe('name must be shorter than or equal to 120 characters');
    expect(describeViolation('input.name', 'name must be shorter than or equal to 120 characters')).toBe('input.name must be shorter than or equal to 120 characters');
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

describe('validation errors over GraphQL', () => {
  let t: TestServer;
  let ws: Awaited<ReturnType<TestServer['createWorkspace']>>;
  beforeAll(async () => {
    t = await startTestServer();
    ws = await t.createWorkspace();
  });
  afterAll(() => t.close());

  it('say each field once', async () => {
    const long = expectError(await t.gql(`mutation($n: String!) { createFaqCategory(input: {name: $n}) { id } }`, { n: 'x'.repeat(121) }, ws.token), 'BAD_USER_INPUT');
    expect(long.message).toBe('Invalid input: name must be shorter than or equal to 120 characters');
    expect(long.extensions!.validation).toEqual([{ field: 'name', message: 'name must be shorter than or equal to 120 characters' }]);

    const blank = expectError(await t.gql(`mutation { createFaqCategory(input: {name: "  "}) { id } }`, {}, ws.token), 'BAD_USER_INPUT');
    expect(blank.message).toBe('Invalid input: name must not be blank');

    const args = expectError(await t.gql(`{ searchKnowledge(query: "", limit: 50) { score } }`, {}, ws.token), 'BAD_USER_INPUT');
    expect(args.message).toBe('Invalid input: query must be longer than or equal to 1 characters; limit must not be greater than 20');

    const nested = expectError(
      await t.gql(`mutation { setModelTrafficSplit(input: {weights: [{modelConfigId: "nope", weight: -5}]}) { id } }`, {}, ws.token),
      'BAD_USER_INPUT',
    );
    expect(nested.message).toBe('Invalid input: weights.0.modelConfigId must be a UUID; weights.0.weight must not be less than 0');
    expect(nested.extensions!.validation).toEqual([
      { field: 'weights.0.modelConfigId', message: 'modelConfigId must be a UUID' },
      { field: 'weights.0.weight', message: 'weight must not be less than 0' },
    ]);
  });
});
