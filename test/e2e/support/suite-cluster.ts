// The cluster of one describe block: a TestCluster started before its tests and stopped after them,
// with simulated nodes, an API client and a scratch directory when the tests want them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { loadKubeconfig } from '../../../src/client/kubeconfig.js';
import { RestClient } from '../../../src/client/rest-client.js';
import { startSimNodes, type SimNodes } from '../cluster-sim.js';
import { TestCluster, type StartOptions } from '../harness.js';

/** Set once the suite's `before` has run. */
export interface SuiteCluster {
  c: TestCluster;
  /** With `simNodes`: that many Ready simulated nodes named `prefix`N. */
  nodes: SimNodes;
  /** With `api`: a client of the cluster. */
  api: RestClient;
  /** With `scratch`: a temporary directory, removed afterwards. */
  dir: string;
}

/** Registers the suite's before/after hooks; `scratch` is the temporary directory's name prefix. */
export function suiteCluster(opts: { simNodes?: { count: number; prefix: string }; api?: boolean; scratch?: string; start?: StartOptions } = {}): SuiteCluster {
  const s = {} as Partial<SuiteCluster>;
  before(async () => {
    s.c = await TestCluster.start(opts.start);
    if (opts.simNodes) s.nodes = await startSimNodes(s.c, opts.simNodes.count, opts.simNodes.prefix);
    if (opts.api) s.api = new RestClient(loadKubeconfig(s.c.kubeconfig));
    if (opts.scratch) s.dir = mkdtempSync(join(tmpdir(), opts.scratch));
  });
  after(async () => {
    s.api?.close();
    await s.nodes?.stop();
    await s.c?.stop();
    if (s.dir) rmSync(s.dir, { recursive: true, force: true });
  });
  return s as SuiteCluster;
}
