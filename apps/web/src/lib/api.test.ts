import { describe, expect, it, vi } from 'vitest';
import { ApolloClient, ApolloLink, InMemoryCache, gql } from '@apollo/client';
import { Observable } from 'rxjs';
import { createCache, retryOnUnauthenticated } from './api';

type FetchResult = ApolloLink.Result;

const QUERY = gql`
  query Me {
    me {
      id
    }
  }
`;

function run(link: ApolloLink): Promise<FetchResult> {
  return new Promise((resolve, reject) => {
    // Apollo Client 4 runs a link with the client it serves in its context.
    const client = new ApolloClient({ link, cache: new InMemoryCache() });
    ApolloLink.execute(link, { query: QUERY }, { client }).subscribe({ next: resolve, error: reject });
  });
}

describe('retryOnUnauthenticated', () => {
  it('refreshes the token and retries once after UNAUTHENTICATED', async () => {
    let token = 'old';
    const seen: string[] = [];
    const terminal = new ApolloLink(
      () =>
        new Observable<FetchResult>((o) => {
          seen.push(token);
          o.next(
            token === 'old'
              ? { errors: [{ message: 'Authentication required', extensions: { code: 'UNAUTHENTICATED' } }] as never }
              : { data: { me: { id: 'u1' } } },
          );
          o.complete();
        }),
    );
    const refresh = vi.fn(async () => {
      token = 'new';
      return true;
    });
    const result = await run(ApolloLink.from([retryOnUnauthenticated(refresh), terminal]));
    expect(result.data).toEqual({ me: { id: 'u1' } });
    expect(seen).toEqual(['old', 'new']);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('also retries an HTTP 401, and passes the error on when refreshing fails', async () => {
    const terminal = new ApolloLink(
      () =>
        new Observable<FetchResult>((o) => {
          o.error(Object.assign(new Error('Response not successful'), { statusCode: 401 }));
        }),
    );
    const refresh = vi.fn(async () => false);
    await expect(run(ApolloLink.from([retryOnUnauthenticated(refresh), terminal]))).rejects.toMatchObject({ statusCode: 401 });
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('leaves other errors alone', async () => {
    const terminal = new ApolloLink(
      () =>
        new Observable<FetchResult>((o) => {
          o.next({ errors: [{ message: 'nope', extensions: { code: 'FORBIDDEN' } }] as never });
          o.complete();
        }),
    );
    const refresh = vi.fn(async () => true);
    const result = await run(ApolloLink.from([retryOnUnauthenticated(refresh), terminal]));
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refresh).not.toHaveBeenCalled();
  });
});

describe('createCache', () => {
  const TICKETS = gql`
    query Tickets($filter: TicketFilter, $first: Int, $after: String) {
      tickets(filter: $filter, first: $first, after: $after) {
        edges {
          cursor
          node {
            id
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  `;
  const page = (ids: string[], hasNextPage: boolean) => ({
    tickets: {
      __typename: 'TicketConnection',
      edges: ids.map((id) => ({ __typename: 'TicketEdge', cursor: `c-${id}`, node: { __typename: 'Ticket', id } })),
      pageInfo: { __typename: 'PageInfo', hasNextPage, endCursor: `c-${ids[ids.length - 1]}` },
    },
  });
  const ids = (data: unknown) => (data as ReturnType<typeof page>).tickets.edges.map((e) => e.node.id);

  it('appends a page fetched after a cursor to the list of the same filter (relayStylePagination)', () => {
    const cache = createCache();
    cache.writeQuery({ query: TICKETS, variables: { first: 2 }, data: page(['t1', 't2'], true) });
    cache.writeQuery({ query: TICKETS, variables: { first: 2, after: 'c-t2' }, data: page(['t3'], false) });
    cache.writeQuery({ query: TICKETS, variables: { first: 2, filter: { status: 'OPEN' } }, data: page(['t9'], false) });

    const all = cache.readQuery({ query: TICKETS, variables: { first: 2 } });
    expect(ids(all)).toEqual(['t1', 't2', 't3']);
    expect((all as ReturnType<typeof page>).tickets.pageInfo).toMatchObject({ hasNextPage: false, endCursor: 'c-t3' });
    expect(ids(cache.readQuery({ query: TICKETS, variables: { first: 2, filter: { status: 'OPEN' } } }))).toEqual(['t9']);

    // A first page read again (a refetch) starts the list over.
    cache.writeQuery({ query: TICKETS, variables: { first: 2 }, data: page(['t0', 't1'], true) });
    expect(ids(cache.readQuery({ query: TICKETS, variables: { first: 2 } }))).toEqual(['t0', 't1']);
  });
});
