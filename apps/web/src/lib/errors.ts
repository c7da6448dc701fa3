// Turns any error the app can meet (Apollo Client 4's error classes, GraphQL
// error lists from the conversation feed, graphql-ws close events, fetch
// failures) into words, chosen by the API's fixed `extensions.code` set.
//
// Apollo Client 4 hands GraphQL errors over as `CombinedGraphQLErrors` (its
// `errors`: also for non-2xx answers in `application/graphql-response+json`,
// which it asks for), non-GraphQL HTTP answers as `ServerError` (`statusCode`,
// `bodyText`) and fetch failures as they are (a `TypeError`). The classes are
// recognised by shape, not imported, so that this module stays out of the
// widget's way and reads plain objects alike.
import type { GraphQLFormattedError } from 'graphql';

export type ErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT' | 'CONFLICT' | 'RATE_LIMITED' | 'UNAVAILABLE' | 'INTERNAL' | 'NETWORK';

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
  CONFLICT: {
    title: 'That conflicts with what is already there',
    message: 'It may already exist, or someone changed it at the same time. Reload and try again.',
  },
  RATE_LIMITED: { title: 'Too many requests', message: 'Please wait a moment and try again.' },
  UNAVAILABLE: { title: 'Switchboard is briefly unavailable', message: 'Nothing was lost. Try again in a few seconds.' },
  INTERNAL: { title: 'Something went wrong on our side', message: 'The server hit an unexpected error. Try again in a moment.' },
  NETWORK: { title: 'Cannot reach Switchboard', message: 'Check your connection and try again.' },
};

const KNOWN = new Set(Object.keys(WORDS));

interface ErrorLike {
  message?: string;
  /** CombinedGraphQLErrors, and a bare list from the conversation feed. */
  errors?: readonly GraphQLFormattedError[];
  /** ServerError: a non-2xx answer that was not a GraphQL response. */
  statusCode?: number;
  bodyText?: string;
  /** A graphql-ws close event. */
  code?: number;
  reason?: string;
}

/** The GraphQL errors in a ServerError's body, when the server sent some in plain JSON. */
function bodyErrors(bodyText: string | undefined): GraphQLFormattedError[] | undefined {
  if (!bodyText) return undefined;
  try {
    const body = JSON.parse(bodyText) as { errors?: unknown };
    return Array.isArray(body?.errors) ? (body.errors as GraphQLFormattedError[]) : undefined;
  } catch {
    return undefined;
  }
}

function firstGraphQLError(err: ErrorLike): GraphQLFormattedError | undefined {
  if (Array.isArray(err.errors) && err.errors.length) return err.errors[0];
  return bodyErrors(err.bodyText)?.[0];
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

  const status = typeof err.statusCode === 'number' ? err.statusCode : undefined;
  if (status === 401) return { code: 'UNAUTHENTICATED', ...WORDS.UNAUTHENTICATED };
  if (status === 403) return { code: 'FORBIDDEN', ...WORDS.FORBIDDEN };
  if (status === 429) return { code: 'RATE_LIMITED', ...WORDS.RATE_LIMITED };
  if (status && status >= 500) return { code: 'INTERNAL', ...WORDS.INTERNAL };
  if (status !== undefined || error instanceof TypeError || (typeof Event !== 'undefined' && error instanceof Event)) {
    return { code: 'NETWORK', ...WORDS.NETWORK };
  }
  return { code: 'INTERNAL', ...WORDS.INTERNAL };
}

/** Whether trying the same request again later may succeed (network trouble, rate limits, server errors). */
export function isTransient(error: unknown): boolean {
  const { code } = describeError(error);
  return code === 'NETWORK' || code === 'RATE_LIMITED' || code === 'INTERNAL';
}
