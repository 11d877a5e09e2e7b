// Imports point down the layer list of ARCHITECTURE.md ("Layers"), never up and never sideways into
// another component. This test reads every module under src/ and names each import that breaks it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

// Lowest first. A module may import any lower layer, and within its own layer only its own
// top-level folder (components are independent of each other) or an allowed exception below.
const LAYERS: readonly (readonly string[])[] = [
  ['util'],
  ['pki', 'metrics'],
  ['api'],
  ['storage'],
  ['client'],
  ['apiserver', 'controllers', 'scheduler', 'kubelet', 'proxy', 'dns', 'ingress', 'netpol', 'csi', 'csi-hostpath', 'local-path', 'simnodes'],
  ['agent'],
  ['cli'],
];

// The kubelet admits pods with the scheduler's fit predicates, as upstream's does.
const SIDEWAYS_ALLOWED: ReadonlySet<string> = new Set(['kubelet -> scheduler']);

// The agent assembles node-side components only; what it shares with the control plane lives lower
// down (api/, client/, pki/). The simulated nodes are a component of their own: they play the kubelet
// with the same API helpers, never with the kubelet's code.
const CONTROL_PLANE = ['apiserver', 'controllers', 'scheduler'];
const NODE_SIDE = ['agent'];

/** The compiled test lives in dist/src; the sources it checks are the repository's src/. */
const srcRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

function sourceModules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceModules(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')
      ? [path]
      : [];
  });
}

/** The top-level folder under src/ a path belongs to ('' for a file directly in src/). */
function area(path: string): string {
  const parts = relative(srcRoot, path).split(sep);
  return parts.length > 1 ? parts[0] : '';
}

function layerOf(folder: string): number {
  return LAYERS.findIndex((layer) => layer.includes(folder));
}

function relativeImports(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName).filter((name) => name.startsWith('.'));
}

/** Every import that runs upward or sideways, as "src/from.ts -> src/to.ts (why)". */
function layerViolations(): string[] {
  const violations: string[] = [];
  for (const file of sourceModules(srcRoot)) {
    const from = area(file);
    for (const spec of relativeImports(file)) {
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      const to = area(target);
      if (to === from) continue;
      const [fromLayer, toLayer] = [layerOf(from), layerOf(to)];
      const edge = `${relative(srcRoot, file)} -> ${relative(srcRoot, target)}`;
      if (fromLayer < 0 || toLayer < 0) {
        violations.push(`${edge} (folder not in the layer list)`);
      } else if (toLayer > fromLayer) {
        violations.push(`${edge} (upward: ${from} is below ${to})`);
      } else if (toLayer === fromLayer && !SIDEWAYS_ALLOWED.has(`${from} -> ${to}`)) {
        violations.push(`${edge} (sideways: ${from} and ${to} are on one layer)`);
      } else if (NODE_SIDE.includes(from) && CONTROL_PLANE.includes(to)) {
        violations.push(`${edge} (node side: ${from} assembles no control-plane component)`);
      }
    }
  }
  return violations;
}

test('every top-level folder of src/ has a place in the layer list', () => {
  const folders = readdirSync(srcRoot, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  assert.deepEqual(folders.filter((f) => layerOf(f) < 0), []);
});

test('imports point down the layers, never up or sideways', () => {
  const violations = layerViolations();
  assert.deepEqual(violations, [], `${violations.length} imports run the wrong way:\n${violations.join('\n')}`);
});
