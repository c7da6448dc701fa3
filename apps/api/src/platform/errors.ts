// The fixed set of error codes clients can rely on (see DESIGN.md, API rules).
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  UNAVAILABLE: 'UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
const KNOWN = new Set<string>(Object.values(ErrorCode));

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = { UNAUTHENTICATED: 401, RATE_LIMITED: 429, UNAVAILABLE: 503 };
/** Seconds a client should wait before retrying an UNAVAILABLE operation. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    const status = HTTP_STATUS[code];
    super(message, { extensions: { code, ...extra, ...(status ? { http: { status } } : {}) } });
  }
}

export const unauthenticated = (message = 'Authentication required') => new AppError('UNAUTHENTICATED', message);
export const forbidden = (message = 'You are not allowed to do this') => new AppError('FORBIDDEN', message);
export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const badInput = (message: string, field?: string) => new AppError('BAD_USER_INPUT', message, field ? { field } : {});
export const conflict = (message: string) => new AppError('CONFLICT', message);
export const rateLimited = (retryAfterSeconds: number) =>
  new AppError('RATE_LIMITED', `Too many requests; retry in ${retryAfterSeconds}s`, { retryAfter: retryAfterSeconds });

/** Node socket errors that mean a dependency (the database) cannot be reached right now. */
const UNREACHABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** PostgreSQL connection failures: class 08, and the server shutting down or starting up (57P01-57P03). */
const PG_UNAVAILABLE = /^(08...|57P0[123])$/;
const UNREACHABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|the database system is (starting up|shutting down|in recovery mode)|terminating connection due to administrator command|Client has encountered a connection error/i;

/**
 * True when an error (or its cause) says the database is unreachable for
 * the moment, not that the operation is wrong: the client gets UNAVAILABLE
 * (HTTP 503) and retries, instead of INTERNAL.
 */
export function isDependencyUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  const e = err as { name?: string; code?: unknown; errno?: unknown; sqlState?: unknown; message?: unknown; cause?: unknown; previous?: unknown };
  if (e.name === 'ConnectionException') return true;
  for (const code of [e.code, e.sqlState]) {
    if (typeof code === 'string' && (UNREACHABLE_ERRNO.has(code) || PG_UNAVAILABLE.test(code))) return true;
  }
  if (typeof e.message === 'string' && UNREACHABLE_MESSAGE.test(e.message)) return true;
  return isDependencyUnavailable(e.cause, depth + 1) || isDependencyUnavailable(e.previous, depth + 1);
}

interface ValidationErrorLike {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationErrorLike[];
}

function flattenValidation(errors: ValidationErrorLike[], prefix = ''): { field: string; message: string }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidation(e.children ?? [], field)];
  });
}

/**
 * One violation as a phrase naming its field once. class-validator's default
 * messages already start with the property (`name must be …`, `each value in
 * tags must …`), but only the leaf property: that is replaced by the full
 * path (`weights.0.weight must …`). Custom messages (`must not be blank`) get
 * the path in front.
 */
export function describeViolation(field: string, message: string): string {
  const property = field.slice(field.lastIndexOf('.') + 1);
  for (const lead of [`${property} `, `each value in ${property} `]) {
    if (message.startsWith(lead)) return `${lead.slice(0, -property.length - 1)}${field} ${message.slice(lead.length)}`;
  }
  return `${field} ${message}`;
}

/**
 * Maps every error leaving the server onto the fixed code set. Unknown errors
 * become INTERNAL with a generic message (the original is logged with the
 * request id by the caller); stack traces never leave in production.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  original: unknown,
  opts: { production: boolean; requestId?: string; onInternal?: (err: unknown) => void },
): GraphQLFormattedError {
  const err = (original as { originalError?: unknown })?.originalError ?? original;
  const code = formatted.extensions?.code as string | undefined;
  const validation = formatted.extensions?.validationErrors as ValidationErrorLike[] | undefined;
  if (validation) {
    const details = flattenValidation(validation);
    return {
      message: `Invalid input: ${details.map((d) => describeViolation(d.field, d.message)).join('; ')}`,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.BAD_USER_INPUT, validation: details },
    };
  }
  const { stacktrace: _stack, http: _http, validationErrors: _v, ...ext } = formatted.extensions ?? {};
  if (code && KNOWN.has(code)) {
    return { ...formatted, extensions: opts.production ? ext : formatted.extensions };
  }
  // Apollo/graphql-js codes for malformed documents and variables are the client's fault.
  if (
    code === 'GRAPHQL_PARSE_FAILED' ||
    code === 'GRAPHQL_VALIDATION_FAILED' ||
    code === 'BAD_REQUEST' ||
    code === 'PERSISTED_QUERY_NOT_FOUND' ||
    code === 'PERSISTED_QUERY_NOT_SUPPORTED' ||
    code === 'OPERATION_RESOLUTION_FAILURE'
  ) {
    return { ...formatted, extensions: { ...ext, code: ErrorCode.BAD_USER_INPUT, reason: code } };
  }
  if (isDependencyUnavailable(err)) {
    return {
      message: 'The service is briefly unavailable; retry shortly',
      locations: formatted.locations,
      path: formatted.path,
      extensions: {
        code: ErrorCode.UNAVAILABLE,
        retryAfter: UNAVAILABLE_RETRY_AFTER_SECONDS,
        ...((opts.requestId ?? ext.requestId) ? { requestId: opts.requestId ?? ext.requestId } : {}),
      },
    };
  }
  opts.onInternal?.(err);
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ErrorCode.INTERNAL, ...((opts.requestId ?? ext.requestId) ? { requestId: opts.requestId ?? ext.requestId } : {}) },
  };
}
