// Bundles the dashboard (ui/dashboard, Preact + xterm.js + uPlot) with esbuild into dist/dashboard:
// one script and one stylesheet named by their content hash (served as immutable) and index.html
// (revalidated each time) that names them. Run by `npm run build` and `npm ci` (prepare).
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'dist', 'dashboard');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await build({
  entryPoints: [join(root, 'ui', 'dashboard', 'app.tsx')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2022'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  entryNames: '[name]-[hash]',
  outdir: out,
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});
const outputs = Object.keys(result.metafile.outputs).map(p => basename(p));
const script = outputs.find(n => n.endsWith('.js'));
const stylesheet = outputs.find(n => n.endsWith('.css'));
if (!script || !stylesheet) throw new Error(`esbuild wrote no script or stylesheet: ${outputs.join(', ')}`);
const html = readFileSync(join(root, 'ui', 'dashboard', 'index.html'), 'utf8').replace('SCRIPT', script).replace('STYLESHEET', stylesheet);
writeFileSync(join(out, 'index.html'), html);
