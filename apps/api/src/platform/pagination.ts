// Relay connections with opaque keyset cursors.
import { ArgsType, type ClassType, Field, Int, ObjectType } from 'type-graphql';
import { IsBase64, IsInt, IsOptional, Max, Min } from 'class-validator';
import { badInput } from './errors.js';

export const DEFAULT_PAGE_SIZE = 20;
/** The largest page a connection returns: part of the API contract (the SDL states it), so not a setting. */
export const MAX_PAGE_SIZE = 100;

// Plain data holders: `simpleResolvers` lets graphql-js read their fields
// directly instead of through a type-graphql wrapper per field and row (which
// only matters for global or field middlewares, and these types have none).
@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field()
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}
export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

const connectionTypes = new Map<string, ClassType>();

/**
 * Builds (once per node type) the `XConnection` and `XEdge` object types;
 * `edgeFields`, an abstract object type, adds its fields to the edge.
 */
export function ConnectionType<T extends object>(node: ClassType<T>, name = node.name, edgeFields: ClassType = class {}): ClassType<Connection<T>> {
  const existing = connectionTypes.get(name);
  if (existing) return existing as ClassType<Connection<T>>;

  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class EdgeType extends edgeFields {
    @Field()
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class ConnectionClass {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  connectionTypes.set(name, ConnectionClass);
  return ConnectionClass as ClassType<Connection<T>>;
}

@ArgsType()
export class ForwardPageArgs {
  @Field(() => Int, { nullable: true, description: `Page size, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).` })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first?: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsBase64({ urlSafe: true })
  after?: string;
}

export const encodeCursor = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');

export function decodeCursor<T extends unknown[]>(cursor: string, check: (parts: unknown[]) => boolean): T {
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && check(parts)) return parts as T;
  } catch {
    /* fall through */
  }
  throw badInput('Invalid cursor', 'after');
}

/** Cursor over (timestamp, id) for lists ordered newest first. */
export const timeIdCursor = {
  encode: (at: Date, id: string) => encodeCursor([at.toISOString(), id]),
  decode: (cursor: string) => {
    const [at, id] = decodeCursor<[string, string]>(
      cursor,
      (p) => p.length === 2 && typeof p[0] === 'string' && !Number.isNaN(Date.parse(p[0])) && typeof p[1] === 'string',
    );
    return { at: new Date(at), id };
  },
};

/** An edge whose cursor is encoded when read: lists often select only `pageInfo.endCursor`. */
class LazyEdge<T> implements Edge<T> {
  #cursor: string | undefined;

  constructor(
    readonly node: T,
    private readonly index: number,
    private readonly cursorOf: (row: T, index: number) => string,
  ) {}

  get cursor(): string {
    return (this.#cursor ??= this.cursorOf(this.node, this.index));
  }
}

/**
 * Turns `limit + 1` fetched rows into a forward connection. `cursorOf` gets the
 * row and its index in the page; it runs lazily, in no particular order.
 */
export function toConnection<T>(rows: T[], limit: number, cursorOf: (row: T, index: number) => string, hasPrevious = false): Connection<T> {
  const hasNextPage = rows.length > limit;
  const page = hasNextPage ? rows.slice(0, limit) : rows;
  const edges: Edge<T>[] = page.map((node, i) => new LazyEdge(node, i, cursorOf));
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: hasPrevious,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
