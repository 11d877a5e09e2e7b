// Real third-party CRDs: the Gateway API bundle (github.com/kubernetes-sigs/gateway-api). Set
// K8TS_GATEWAY_API_DIR to a checkout (or an export of its config/crd, examples and
// hack/invalid-examples); without it the test is skipped. Every CRD must validate, every example
// under examples/ must be accepted, and every object under hack/invalid-examples rejected.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { CustomResourceDefinition } from '../types/generated.js';
import { compileCustomResourceSchema, validateCustomResourceDefinition, type CompiledCustomResourceSchema } from './index.js';

const dir = process.env.K8TS_GATEWAY_API_DIR;

function yamlFiles(root: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  return entries.flatMap(e => {
    const p = join(root, e);
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e) ? [p] : [];
  });
}

function docs(file: string): Record<string, any>[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map(d => d.toJS()).filter(d => d && typeof d === 'object');
}

function loadChannel(channel: string): Map<string, CompiledCustomResourceSchema> {
  const byGvk = new Map<string, CompiledCustomResourceSchema>();
  for (const file of yamlFiles(join(dir!, 'config/crd', channel))) {
    for (const crd of docs(file).filter(d => d.kind === 'CustomResourceDefinition') as CustomResourceDefinition[]) {
      const withStatus = { ...crd, status: { storedVersions: crd.spec.versions.filter(v => v.storage).map(v => v.name) } };
      const errs = validateCustomResourceDefinition(withStatus);
      assert.deepEqual(errs.map(String), [], `${file}: ${crd.metadata?.name}`);
      for (const v of crd.spec.versions) byGvk.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, compileCustomResourceSchema(crd, v.name));
    }
  }
  return byGvk;
}

/** Create-time handling of an object: prune, default, validate. */
function admit(schemas: Map<string, CompiledCustomResourceSchema>, obj: Record<string, any>): string[] | undefined {
  const s = schemas.get(`${obj.apiVersion}/${obj.kind}`);
  if (!s) return undefined;
  const o = structuredClone(obj);
  s.prune(o);
  s.applyDefaults(o);
  return s.validate(o).map(String);
}

for (const channel of ['standard', 'experimental']) {
  test(`Gateway API ${channel} CRDs validate, accept their examples and reject the invalid ones`, { skip: !dir && 'K8TS_GATEWAY_API_DIR is not set' }, () => {
    const schemas = loadChannel(channel);
    assert.ok(schemas.size > 0, 'no CRDs found');
    let accepted = 0, rejected = 0;
    for (const file of yamlFiles(join(dir!, 'examples', channel))) {
      for (const obj of docs(file)) {
        const errs = admit(schemas, obj);
        if (!errs) continue;
        assert.deepEqual(errs, [], `${file}: ${obj.kind} ${obj.metadata?.name}`);
        accepted++;
      }
    }
    for (const file of yamlFiles(join(dir!, 'hack/invalid-examples', channel))) {
      for (const obj of docs(file)) {
        const errs = admit(schemas, obj);
        if (!errs) continue;
        assert.ok(errs.length > 0, `${file}: ${obj.kind} ${obj.metadata?.name} was accepted`);
        rejected++;
      }
    }
    console.log(`gateway-api ${channel}: ${new Set(schemas.values()).size} schemas, ${accepted} examples accepted, ${rejected} invalid examples rejected`);
    assert.ok(accepted > 0);
  });
}
