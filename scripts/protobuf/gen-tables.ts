// Regenerates src/apiserver/protobuf/tables/generated/ from upstream's generated.proto files and Go
// types, for the root kinds in tables/roots.ts and every message they reach. Upstream's sources are
// read from checkouts of k8s.io/api and k8s.io/apimachinery at UPSTREAM_TAG:
//   git clone --depth 1 --branch v0.32.0 https://github.com/kubernetes/api /tmp/k8s-api
//   git clone --depth 1 --branch v0.32.0 https://github.com/kubernetes/apimachinery /tmp/k8s-apimachinery
//   npm run gen:protobuf -- /tmp/k8s-api /tmp/k8s-apimachinery
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SPECIAL } from '../../src/apiserver/protobuf/special.js';
import { ANY_VERSION_KINDS, ROOT_KINDS } from '../../src/apiserver/protobuf/tables/roots.js';
import { apiVersionPackage, buildTables } from './tables.js';
import { renderIndex, renderPackage } from './render.js';

/** The upstream release the tables describe (k8s.io/api and apimachinery tags match Kubernetes v1.32). */
export const UPSTREAM_TAG = 'v0.32.0';

const [apiDir, apimachineryDir] = process.argv.slice(2);
if (!apiDir || !apimachineryDir) {
  console.error('usage: node dist/scripts/protobuf/gen-tables.js <k8s.io/api checkout> <k8s.io/apimachinery checkout>');
  process.exit(2);
}

const roots = [
  ...Object.entries(ROOT_KINDS).flatMap(([apiVersion, kinds]) => kinds.map(kind => `${apiVersionPackage(apiVersion)}.${kind}`)),
  ...ANY_VERSION_KINDS.map(kind => `k8s.io.apimachinery.pkg.apis.meta.v1.${kind}`),
];
const packages = buildTables({ api: apiDir, apimachinery: apimachineryDir }, roots, name => name in SPECIAL);

const out = fileURLToPath(new URL('../../../src/apiserver/protobuf/tables/generated/', import.meta.url));
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const p of packages) {
  const { file, text } = renderPackage(p, UPSTREAM_TAG);
  writeFileSync(join(out, file), text);
}
writeFileSync(join(out, 'index.ts'), renderIndex(packages, UPSTREAM_TAG));
console.log(`wrote ${packages.length} packages to ${out}`);
