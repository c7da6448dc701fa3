import { buildASTSchema, Kind, print, validate, visit, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { readOperationFiles, readSchemaDocument } from '../scripts/generate.js';

const schema = buildASTSchema(readSchemaDocument());
const files = readOperationFiles();
const definitions = files.flatMap(({ document }) => document.definitions);
const operations = definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
const fragments = new Map(definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));

/** The operation plus every fragment it spreads, directly or through other fragments (what a client sends). */
function standalone(operation: OperationDefinitionNode): DocumentNode {
  const needed = new Map<string, FragmentDefinitionNode>();
  const collect = (node: OperationDefinitionNode | FragmentDefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        const fragment = fragments.get(name);
        if (fragment && !needed.has(name)) {
          needed.set(name, fragment);
          collect(fragment);
        }
      },
    });
  collect(operation);
  return { kind: Kind.DOCUMENT, definitions: [operation, ...needed.values()] };
}

const messages = (document: DocumentNode) => validate(schema, document).map((error) => error.message);

describe('operations/**/*.graphql', () => {
  it('finds the client operations', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(operations.length).toBeGreaterThanOrEqual(20);
  });

  it('every operation is named', () => {
    expect(operations.filter((o) => !o.name).map((o) => print(o))).toEqual([]);
  });

  it('all documents together validate (unique names, no unused or unknown fragments)', () => {
    expect(messages({ kind: Kind.DOCUMENT, definitions })).toEqual([]);
  });

  it.each(operations.map((operation) => [operation.name?.value ?? '<anonymous>', operation] as const))(
    '%s validates against schema.graphql',
    (_name, operation) => {
      expect(messages(standalone(operation))).toEqual([]);
    },
  );
});
