// Network namespaces a test creates for itself (the test network rule: containerd, CNI and any
// traffic they carry stay inside them). Named k8ts-<purpose>-<pid>[-n] so leftovers are attributable.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { NETNS_DIR } from '../../../src/util/daemon.js';

let created = 0;

export class TestNetns {
  private constructor(readonly name: string) {}

  /** `ip netns add` with loopback up. */
  static create(purpose: string): TestNetns {
    const name = `k8ts-${purpose}-${process.pid}-${created++}`;
    execFileSync('ip', ['netns', 'add', name], { stdio: 'pipe' });
    const ns = new TestNetns(name);
    try {
      ns.run('ip', ['link', 'set', 'lo', 'up']);
    } catch (err) {
      ns.delete();
      throw err;
    }
    return ns;
  }

  get path(): string {
    return `${NETNS_DIR}/${this.name}`;
  }

  get exists(): boolean {
    return existsSync(this.path);
  }

  /** Runs a command inside the namespace (network only, as containerd runs) and returns stdout. */
  run(command: string, args: string[]): string {
    return execFileSync('nsenter', [`--net=${this.path}`, '--', command, ...args], { stdio: 'pipe', encoding: 'utf8' });
  }

  delete(): void {
    if (this.exists) execFileSync('ip', ['netns', 'delete', this.name], { stdio: 'pipe' });
  }
}
