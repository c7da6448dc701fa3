// One API connection: Apollo Client over a split link (HTTP for queries and
// mutations, graphql-ws for subscriptions) plus the graphql-ws client itself,
// which the resumable conversation feed (`subscribeToConversation`) shares.
//
// The socket reconnects for ever (with `retryAttempts`), treats a missing pong
// or the browser going offline as a dead connection (Chromium keeps sockets
// open when the network goes away), and retries at once when it comes back.
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, type DefaultOptions } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { relayStylePagination } from '@apollo/client/utilities';
import { createClient, type Client } from 'graphql-ws';
import { OperationTypeNode } from 'graphql';
import { Observable } from 'rxjs';
import { uploadAttachment, type UploadedAttachment } from './upload';
import { messageFieldDefaults, messagesPagination } from './messageCache';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface ConnectionStatus {
  state: ConnectionState;
  /** How many times the socket came back after a drop (feeds that cannot resume refetch on change). */
  reconnects: number;
}

export interface ConnectionStore {
  get(): ConnectionStatus;
  subscribe(listener: () => void): () => void;
}

export interface ApiOptions {
  /** The bearer token to send; may refresh it first. Null sends no Authorization. */
  getToken(): string | null | Promise<string | null>;
  /** Called when the server answers UNAUTHENTICATED; resolve true to retry once (the token was refreshed). */
  onUnauthenticated?(): Promise<boolean>;
  httpUrl?: string;
  wsUrl?: string;
  /** Pong deadline after each keep-alive ping, in ms. */
  pongTimeoutMs?: number;
}

export interface Api {
  apollo: ApolloClient;
  ws: Client;
  connection: ConnectionStore;
  /** Uploads a file into a conversation (unsent until a message lists it in attachmentIds). */
  upload(conversationId: string, file: File): Promise<UploadedAttachment>;
  dispose(): void;
}

export function defaultUrls(): { httpUrl: string; wsUrl: string } {
  const { protocol, host } = window.location;
  return { httpUrl: '/graphql', wsUrl: `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/graphql` };
}

function isUnauthenticated(errors: readonly { extensions?: Record<string, unknown> }[] | undefined): boolean {
  return Boolean(errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED'));
}

/** Retries an operation once after `refresh` resolves true, when the server says UNAUTHENTICATED. */
export function retryOnUnauthenticated(refresh: () => Promise<boolean>): ApolloLink {
  return new ApolloLink(
    (operation, forward) =>
      new Observable((observer) => {
        let inner: { unsubscribe(): void } | undefined;
        let closed = false;
        let refreshing = false;
        const refreshThenRetry = (giveUp: () => void) => {
          refreshing = true;
          inner?.unsubscribe();
          refresh().then(
            (ok) => {
              refreshing = false;
              if (closed) return;
              if (ok) attempt(true);
              else giveUp();
            },
            () => {
              refreshing = false;
              if (!closed) giveUp();
            },
          );
        };
        const attempt = (isRetry: boolean) => {
          inner = forward(operation).subscribe({
            next(result) {
              if (!isRetry && isUnauthenticated(result.errors)) {
                refreshThenRetry(() => {
                  observer.next(result);
                  observer.complete();
                });
                return;
              }
              observer.next(result);
            },
            error(error) {
              const status = (error as { statusCode?: number }).statusCode;
              if (!isRetry && status === 401) {
                refreshThenRetry(() => observer.error(error));
                return;
              }
              observer.error(error);
            },
            complete() {
              if (!refreshing) observer.complete();
            },
          });
        };
        attempt(false);
        return () => {
          closed = true;
          inner?.unsubscribe();
        };
      }),
  );
}

/** Waits before the next reconnect: exponential up to 8 s, cut short when the browser comes back online. */
export function retryWait(retries: number): Promise<void> {
  const delay = Math.min(500 * 2 ** retries, 8_000) + Math.random() * 400;
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      window.removeEventListener('online', done);
      resolve();
    };
    const timer = setTimeout(done, delay);
    window.addEventListener('online', done);
  });
}

/**
 * Apollo Client 4 made `notifyOnNetworkStatusChange` default to true; the app
 * was written against false (a refetch or poll keeps showing the data without
 * flipping `loading`), and the lists that show a "loading more" state ask for
 * it themselves.
 */
export const defaultOptions: DefaultOptions = {
  watchQuery: { notifyOnNetworkStatusChange: false },
};

export function createCache(): InMemoryCache {
  // Objects without ids that are replaced wholesale on every read.
  const replace = { merge: true } as const;
  return new InMemoryCache({
    typePolicies: {
      // Relay connections the screens page through with `fetchMore({ variables: { after } })`:
      // one cached list per filter (the key arguments), pages appended after their cursor, and
      // a read without `after` (a refetch, a mutation's refetchQueries) starting the list again.
      Query: {
        fields: {
          conversations: relayStylePagination(['filter']),
          tickets: relayStylePagination(['filter']),
          cannedReplies: relayStylePagination(['search']),
          teamRoster: relayStylePagination(['statuses']),
          auditLog: relayStylePagination(['filter']),
          webhookDeliveries: relayStylePagination(['endpointId', 'filter']),
        },
      },
      // A conversation's history: earlier pages with `fetchMore({ variables: { before } })`, live messages appended (messageCache.ts).
      Conversation: { fields: { messages: messagesPagination } },
      Message: { fields: messageFieldDefaults },
      SystemStatus: replace,
      AiStatus: replace,
      ComponentHealth: replace,
      ConnectionCounts: replace,
      EvaluationMetrics: replace,
      MessageAnalysis: replace,
    },
  });
}

export function createApi(opts: ApiOptions): Api {
  const urls = defaultUrls();
  const httpUrl = opts.httpUrl ?? urls.httpUrl;
  const wsUrl = opts.wsUrl ?? urls.wsUrl;
  const pongTimeoutMs = opts.pongTimeoutMs ?? 5_000;

  let status: ConnectionStatus = { state: navigator.onLine === false ? 'offline' : 'idle', reconnects: 0 };
  const listeners = new Set<() => void>();
  const set = (state: ConnectionState, reconnected = false) => {
    if (state === status.state && !reconnected) return;
    status = { state, reconnects: status.reconnects + (reconnected ? 1 : 0) };
    for (const l of listeners) l();
  };
  let everConnected = false;
  let disposed = false;
  let pongTimer: ReturnType<typeof setTimeout> | undefined;

  const ws = createClient({
    url: wsUrl,
    lazy: true,
    lazyCloseTimeout: 2_000,
    keepAlive: 10_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait,
    connectionParams: async () => {
      const token = await opts.getToken();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    on: {
      connecting: () => set(navigator.onLine === false ? 'offline' : everConnected ? 'reconnecting' : 'connecting'),
      connected: () => {
        const again = everConnected;
        everConnected = true;
        set('connected', again);
      },
      closed: (event) => {
        clearTimeout(pongTimer);
        if (disposed) return;
        const code = (event as { code?: number } | undefined)?.code;
        if (code === 1000) set('idle');
        else set(navigator.onLine === false ? 'offline' : 'reconnecting');
      },
      ping: (received) => {
        if (received) return;
        clearTimeout(pongTimer);
        pongTimer = setTimeout(() => ws.terminate(), pongTimeoutMs);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
    },
  });

  const onOffline = () => {
    set('offline');
    ws.terminate();
  };
  window.addEventListener('offline', onOffline);

  const authLink = new SetContextLink(async (prev) => {
    const token = await opts.getToken();
    return { headers: { ...prev.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } };
  });
  const httpChain = ApolloLink.from([
    ...(opts.onUnauthenticated ? [retryOnUnauthenticated(opts.onUnauthenticated)] : []),
    authLink,
    new HttpLink({ uri: httpUrl }),
  ]);
  const link = ApolloLink.split(({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION, new GraphQLWsLink(ws), httpChain);

  const apollo = new ApolloClient({ link, cache: createCache(), defaultOptions });

  return {
    apollo,
    ws,
    connection: {
      get: () => status,
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    upload: (conversationId, file) => uploadAttachment({ httpUrl, getToken: opts.getToken, onUnauthenticated: opts.onUnauthenticated }, conversationId, file),
    dispose() {
      disposed = true;
      window.removeEventListener('offline', onOffline);
      clearTimeout(pongTimer);
      void ws.dispose();
      apollo.stop();
    },
  };
}
