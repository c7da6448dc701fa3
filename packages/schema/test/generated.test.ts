import { generate, readGenerated, staleFiles } from '../scripts/generate.js';

describe('src/generated', () => {
  it('is up to date with schema.graphql and operations', async () => {
    const stale = staleFiles(await generate(), readGenerated());
    if (stale.length > 0) {
      throw new Error(
        `src/generated is out of date; run \`npm run codegen -w @switchboard/schema\`.\n` +
          stale.map(({ file, problem }) => `  ${file}: ${problem}`).join('\n'),
      );
    }
    expect(stale).toEqual([]);
  });
});
