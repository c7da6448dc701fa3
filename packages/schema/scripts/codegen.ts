// Usage: npm run codegen -w @switchboard/schema            (writes src/generated/**)
//        npm run codegen -w @switchboard/schema -- --check (exits 1 if any file there is out of date,
//                                                           missing, or no longer generated)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { generate, generatedDir, readGenerated, staleFiles } from './generate.js';

const check = process.argv.includes('--check');
const fresh = await generate();
const stale = staleFiles(fresh, readGenerated());
const dir = relative(process.cwd(), generatedDir) || generatedDir;

if (stale.length === 0) {
  console.log(`${dir}: ${fresh.size} files up to date`);
} else if (check) {
  for (const { file, problem } of stale) console.error(`${join(dir, file)}: ${problem}`);
  console.error(`Run \`npm run codegen -w @switchboard/schema\` and commit the result.`);
  process.exit(1);
} else {
  for (const { file, problem } of stale) {
    const path = join(generatedDir, file);
    if (problem === 'not generated any more') {
      rmSync(path);
      console.log(`removed ${join(dir, file)}`);
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, fresh.get(file)!);
      console.log(`wrote ${join(dir, file)}`);
    }
  }
}
