// Turns any error the app can meet (Apollo errors, GraphQL error lists from the
// conversation feed, graphql-ws close events, fetch failures) into words,
// chosen by the API's fixed `extensions.code` set.
import type { GraphQLFormattedError } from 'graphql';

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'INTERNAL'
  | 'NETWORK';

export interface DescribedError {
  code: ErrorCode;
  title: string;
  message: string;
  /** For RATE_LIMITED and UNAVAILABLE: seconds to wait, when the server said. */
  retryAfter?: number;
}

const WORDS: Record<ErrorCode, { title: string; message: string }> = {
  UNAUTHENTICATED: { title: 'You are signed out', message: 'Your session has expired or is not valid. Sign in again.' },
  FORBIDDEN: { title: 'Not allowed', message: 'Your role does not allow this action.' },
  NOT_FOUND: { title: 'Not found', message: 'It may have been deleted, or the link is wrong.' },
  BAD_USER_INPUT: { title: 'Please check your input', message: 'Some of what you entered is not valid.' },
  CONFLICT: { title: 'That conflicts with what is already there', message: 'It may already exist, or someone changed it at the same time. Reload and try again.' },
  RATE_LIMITED: { title: 'Too many requests', message: 'Please wait a moment and try again.' },
  UNAVAILABLE: { title: 'Switchboard is briefly unavailable', message: 'Nothing was lost. Try again in a few seconds.' },
  INTERNAL: { title: 'Something went wrong on our side', message: 'The server hit an unexpected error. Try again in a moment.' },
  NETWORK: { title: 'Cannot reach Switchboard', message: 'Check your connection and try again.' },
};

const KNOWN = new Set(Object.keys(WORDS));

interface ErrorLike {
  message?: string;
  graphQLErrors?: readonly GraphQLFormattedError[];
  networkError?: (Error & { statusCode?: number; result?: unknown }) | null;
  errors?: readonly GraphQLFormattedError[];
  code?: number;
  reason?: string;
}

function firstGraphQLError(err: ErrorLike): GraphQLFormattedError | undefined {
  if (err.graphQLErrors?.length) return err.graphQLErrors[0];
  const result = err.networkError?.result as { errors?: GraphQLFormattedError[] } | undefined;
  if (result && typeof result === 'object' && Array.isArray(result.errors) && result.errors.length) return result.errors[0];
  if (Array.isArray(err.errors) && err.errors.length) return err.errors[0];
  return undefined;
}

/** The `extensions.code` of an error (or NETWORK when the server was not reached). */
export function errorCode(error: unknown): ErrorCode {
  return describeError(error).code;
}

export function describeError(error: unknown): DescribedError {
  if (error == null) return { code: 'INTERNAL', ...WORDS.INTERNAL };
  // A list of GraphQL errors (what the conversation feed hands to onError).
  if (Array.isArray(error)) return describeError({ errors: error } satisfies ErrorLike);
  const err = error as ErrorLike;

  const gql = firstGraphQLError(err);
  if (gql) {
    const raw = gql.extensions?.code;
    const code: ErrorCode = typeof raw === 'string' && KNOWN.has(raw) ? (raw as ErrorCode) : 'INTERNAL';
    const words = WORDS[code];
    // The server's own message is meant for people for input errors and conflicts.
    const message = code === 'BAD_USER_INPUT' || code === 'CONFLICT' || code === 'NOT_FOUND' ? gql.message || words.message : words.message;
    const retryAfter = typeof gql.extensions?.retryAfter === 'number' ? gql.extensions.retryAfter : undefined;
    return {
      code,
      title: words.title,
      message: code === 'RATE_LIMITED' && retryAfter ? `Please wait ${retryAfter} s and try again.` : message,
      ...(retryAfter ? { retryAfter } : {}),
    };
  }

  // graphql-ws close events: 4401 Unauthorized, 4403 Forbidden, 4429 too many.
  if (typeof err.code === 'number' && typeof err.reason === 'string') {
    if (err.code === 4401) return { code: 'UNAUTHENTICATED', ...WORDS.UNAUTHENTICATED };
    if (err.code === 4403) return { code: 'FORBIDDEN', ...WORDS.FORBIDDEN };
    if (err.code === 4429) return { code: 'RATE_LIMITED', ...WORDS.RATE_LIMITED };
    return { code: 'NETWORK', ...WORDS.NETWORK };
  }

  const status = err.networkError?.statusCode;
  if (status === 401) return { code: 'UNAUTHENTICATED', ...WORDS.UNAUTHENTICATED };
  if (status === 403) return { code: 'FORBIDDEN', ...WORDS.FORBIDDEN };
  if (status === 429) return { code: 'RATE_LIMITED', ...WORDS.RATE_LIMITED };
  if (status && status >= 500) return { code: 'INTERNAL', ...WORDS.INTERNAL };
  if (err.networkError || error instanceof TypeError || (typeof Event !== 'undefined' && error instanceof Event)) {
    return { code: 'NETWORK', ...WORDS.NETWORK };
  }
  return { code: 'INTERNAL', ...WORDS.INTERNAL };
}

/** Whether trying the same request again later may succeed (network trouble, rate limits, server errors). */
export function isTransient(error: unknown): boolean {
  const { code } = describeError(error);
  return code === 'NETWORK' || code === 'RATE_LIMITED' || code === 'INTERNAL';
}
