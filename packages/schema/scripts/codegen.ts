// Usage: npm run codegen -w @switchboard/schema            (writes src/generated/graphql.ts)
//        npm run codegen -w @switchboard/schema -- --check (exits 1 if it is out of date)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { generate, outputFile } from './generate.js';

const check = process.argv.includes('--check');
const content = await generate();
const target = relative(process.cwd(), outputFile) || outputFile;
const current = existsSync(outputFile) ? readFileSync(outputFile, 'utf8') : undefined;

if (check) {
  if (current !== content) {
    console.error(
      current === undefined
        ? `${target} is missing. Run \`npm run codegen -w @switchboard/schema\` and commit the result.`
        : `${target} is out of date with schema.graphql / operations. Run \`npm run codegen -w @switchboard/schema\` and commit the result.`,
    );
    process.exit(1);
  }
  console.log(`${target} is up to date`);
} else if (current === content) {
  console.log(`${target} is up to date`);
} else {
  mkdirSync(dirname(outputFile), { recursive: true });
  writeFileSync(outputFile, content);
  console.log(`wrote ${target}`);
}
