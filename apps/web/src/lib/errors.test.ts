import { describe, expect, it } from 'vitest';
import { CombinedGraphQLErrors, ServerError } from '@apollo/client';
import { describeError, isTransient } from './errors';

// What Apollo Client 4 hands over: GraphQL errors, and HTTP answers that were not GraphQL responses.
const gql = (code: string, message = 'server says', extensions: Record<string, unknown> = {}) =>
  new CombinedGraphQLErrors({ data: null, errors: [{ message, extensions: { code, ...extensions } }] });
const serverError = (status: number, body: unknown = '') => {
  const bodyText = typeof body === 'string' ? body : JSON.stringify(body);
  return new ServerError(`Response not successful: Received status code ${status}`, { response: new Response(bodyText, { status }), bodyText });
};

describe('describeError', () => {
  it.each([
    ['UNAUTHENTICATED', 'You are signed out'],
    ['FORBIDDEN', 'Not allowed'],
    ['NOT_FOUND', 'Not found'],
    ['BAD_USER_INPUT', 'Please check your input'],
    ['CONFLICT', 'That conflicts with what is already there'],
    ['RATE_LIMITED', 'Too many requests'],
    ['UNAVAILABLE', 'Switchboard is briefly unavailable'],
    ['INTERNAL', 'Something went wrong on our side'],
  ])('puts %s into words', (code, title) => {
    const d = describeError(gql(code));
    expect(d.code).toBe(code);
    expect(d.title).toBe(title);
  });

  it("shows the server's own message for input errors and conflicts only", () => {
    expect(describeError(gql('BAD_USER_INPUT', 'Invalid input: email must be an email')).message).toBe('Invalid input: email must be an email');
    expect(describeError(gql('CONFLICT', 'Already assigned')).message).toBe('Already assigned');
    expect(describeError(gql('INTERNAL', 'TypeError: x is undefined')).message).not.toContain('TypeError');
  });

  it('says how long to wait when rate limited', () => {
    const d = describeError(gql('RATE_LIMITED', 'Too many requests; retry in 7s', { retryAfter: 7 }));
    expect(d).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 7, message: 'Please wait 7 s and try again.' });
  });

  it('treats unknown codes as INTERNAL', () => {
    expect(describeError(gql('GRAPHQL_VALIDATION_FAILED')).code).toBe('INTERNAL');
  });

  it('reads errors from an HTTP error body (e.g. 401 responses)', () => {
    const err = serverError(401, { errors: [{ message: 'Authentication required', extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(describeError(err).code).toBe('UNAUTHENTICATED');
  });

  it('reads the error lists the conversation feed reports', () => {
    expect(describeError([{ message: 'Conversation not found', extensions: { code: 'NOT_FOUND' } }])).toMatchObject({
      code: 'NOT_FOUND',
      message: 'Conversation not found',
    });
  });

  it('maps graphql-ws close codes', () => {
    expect(describeError({ code: 4401, reason: 'Unauthorized' }).code).toBe('UNAUTHENTICATED');
    expect(describeError({ code: 4403, reason: 'Forbidden' }).code).toBe('FORBIDDEN');
    expect(describeError({ code: 1006, reason: '' }).code).toBe('NETWORK');
  });

  it('recognises network failures', () => {
    expect(describeError(new TypeError('Failed to fetch')).code).toBe('NETWORK');
    expect(describeError(serverError(502, 'Bad gateway')).code).toBe('INTERNAL');
  });

  it('knows which failures are worth retrying', () => {
    expect(isTransient(new TypeError('Failed to fetch'))).toBe(true);
    expect(isTransient(gql('RATE_LIMITED'))).toBe(true);
    expect(isTransient(gql('BAD_USER_INPUT'))).toBe(false);
    expect(isTransient(gql('FORBIDDEN'))).toBe(false);
  });
});
