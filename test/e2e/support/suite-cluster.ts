// The cluster of one describe block: a TestCluster started before its tests and stopped after them,
// with an API client and a scratch directory when the tests want them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { loadKubeconfig } from '../../../src/client/kubeconfig.js';
import { RestClient } from '../../../src/client/rest-client.js';
import { TestCluster } from '../harness.js';

/** Set once the suite's `before` has run. */
export interface SuiteCluster {
  c: TestCluster;
  /** With `api`: a client of the cluster. */
  api: RestClient;
  /** With `scratch`: a temporary directory, removed afterwards. */
  dir: string;
}

/** Registers the suite's before/after hooks; `scratch` is the temporary directory's name prefix. */
export function suiteCluster(opts: { api?: boolean; scratch?: string } = {}): SuiteCluster {
  const s = {} as Partial<SuiteCluster>;
  before(async () => {
    s.c = await TestCluster.start();
    if (opts.api) s.api = new RestClient(loadKubeconfig(s.c.kubeconfig));
    if (opts.scratch) s.dir = mkdtempSync(join(tmpdir(), opts.scratch));
  });
  after(async () => {
    s.api?.close();
    await s.c?.stop();
    if (s.dir) rmSync(s.dir, { recursive: true, force: true });
  });
  return s as SuiteCluster;
}
