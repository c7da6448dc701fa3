// Writes the SDL contract to packages/schema/schema.graphql.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printContract } from '../src/app/schema.js';

const target = resolve(import.meta.dirname, '../../../packages/schema/schema.graphql');
writeFileSync(target, await printContract());
console.log(`wrote ${target}`);
