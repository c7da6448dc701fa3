import { readFileSync } from 'node:fs';
import { generate, outputFile } from '../scripts/generate.js';

describe('src/generated/graphql.ts', () => {
  it('is up to date with schema.graphql and operations', async () => {
    const onDisk = readFileSync(outputFile, 'utf8');
    const fresh = await generate();
    if (fresh !== onDisk) {
      const a = onDisk.split('\n');
      const b = fresh.split('\n');
      let line = 0;
      while (line < a.length && a[line] === b[line]) line++;
      throw new Error(
        `src/generated/graphql.ts is out of date; run \`npm run codegen -w @switchboard/schema\`.\n` +
          `First difference at line ${line + 1}:\n  on disk:   ${a[line] ?? '<end of file>'}\n  generated: ${b[line] ?? '<end of file>'}`,
      );
    }
    expect(fresh).toBe(onDisk);
  });
});
