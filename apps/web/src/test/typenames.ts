// Test helper: fills in `__typename` on mock results from the schema, so
// mocked responses normalise and match fragments like real ones do.
import sdl from '@switchboard/schema/schema.graphql?raw';
import { buildSchema, getNamedType, isAbstractType, isObjectType, type GraphQLObjectType } from 'graphql';

const schema = buildSchema(sdl);

function walk(value: unknown, type: GraphQLObjectType): unknown {
  if (Array.isArray(value)) return value.map((v) => walk(v, type));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = { __typename: obj.__typename ?? type.name };
  const fields = type.getFields();
  for (const [key, v] of Object.entries(obj)) {
    if (key === '__typename') continue;
    const field = fields[key];
    const named = field ? getNamedType(field.type) : undefined;
    if (named && isObjectType(named)) out[key] = walk(v, named);
    else if (named && isAbstractType(named)) {
      const concrete = (v as { __typename?: string } | null)?.__typename;
      const t = concrete ? schema.getType(concrete) : undefined;
      out[key] = t && isObjectType(t) ? walk(v, t) : v;
    } else out[key] = v;
  }
  return out;
}

/** `data` of a Query or Mutation result with every `__typename` set. */
export function withTypenames<T>(root: 'Query' | 'Mutation', data: T): T {
  const type = root === 'Query' ? schema.getQueryType()! : schema.getMutationType()!;
  const out = walk(data, type) as Record<string, unknown>;
  delete out.__typename;
  return out as T;
}
