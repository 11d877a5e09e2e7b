// Writes src/api/types/generated.ts from the shipped OpenAPI spec. Run after `tsc`:
//   node dist/scripts/gen-types.js
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateTypes } from '../src/api/types/generate.js';

const out = fileURLToPath(new URL('../../src/api/types/generated.ts', import.meta.url));
writeFileSync(out, generateTypes());
console.log(`wrote ${out}`);
