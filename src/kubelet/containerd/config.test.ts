import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerdPaths, renderContainerdConfig } from './config.js';

test('containerd config keeps every path under the node dir and sets the CRI options these machines need', () => {
  const paths = containerdPaths('/data/node a');
  const toml = renderContainerdConfig({ paths, cniConfDir: '/data/node a/cni', registryMirrors: { 'k8ts.local': 'http://10.0.0.1:5000' } });
  assert.match(toml, /^version = 2$/m);
  assert.match(toml, /^root = "\/data\/node a\/root"$/m);
  assert.match(toml, /^state = "\/data\/node a\/state"$/m);
  assert.match(toml, /^\[grpc\]\n {2}address = "\/data\/node a\/containerd.sock"$/m);
  assert.match(toml, /^ {2}sandbox_image = "k8ts.local\/pause:1"$/m);
  assert.match(toml, /^ {2}restrict_oom_score_adj = true$/m);
  assert.match(toml, /^ {2}netns_mounts_under_state_dir = true$/m);
  assert.match(toml, /^ {2}Root = "\/data\/node a\/state\/runc"$/m);
  assert.match(toml, /^ {2}bin_dir = "\/usr\/lib\/cni"$/m);
  assert.match(toml, /^ {2}conf_dir = "\/data\/node a\/cni"$/m);
  assert.match(toml, /^\[plugins\."io\.containerd\.grpc\.v1\.cri"\.registry\.mirrors\."k8ts\.local"\]\n {2}endpoint = \["http:\/\/10\.0\.0\.1:5000"\]$/m);
  // No machine-wide path may appear: several nodes share one machine.
  assert.doesNotMatch(toml, /\/run\/containerd|\/var\/lib\/containerd/);
});
