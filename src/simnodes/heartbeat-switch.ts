// The test switch for node failure: a file listing node names (one per line, `*` for all) whose
// kubelets play dead, polled every second, plus SIGUSR1 (all stop) and SIGUSR2 (all resume).
// A dead node renews no Lease, posts no status and touches none of its pods, as a crashed kubelet.
import { readFile } from 'node:fs/promises';

export type StoppedSet = (name: string) => boolean;

export class HeartbeatSwitch {
  private fromFile = new Set<string>();
  private allStopped = false;
  private timer?: NodeJS.Timeout;
  private readonly onStop = () => this.flip(true);
  private readonly onResume = () => this.flip(false);

  constructor(private readonly file: string | undefined, private readonly changed: () => void) {}

  start(): void {
    process.on('SIGUSR1', this.onStop);
    process.on('SIGUSR2', this.onResume);
    if (this.file) this.timer = setInterval(() => void this.poll(), 1000);
  }

  stop(): void {
    process.off('SIGUSR1', this.onStop);
    process.off('SIGUSR2', this.onResume);
    clearInterval(this.timer);
  }

  stopped(name: string): boolean {
    return this.allStopped || this.fromFile.has('*') || this.fromFile.has(name);
  }

  private flip(stopped: boolean): void {
    this.allStopped = stopped;
    this.changed();
  }

  private async poll(): Promise<void> {
    const text = await readFile(this.file!, 'utf8').catch(() => '');
    const next = new Set(text.split('\n').map(s => s.trim()).filter(Boolean));
    if (next.size === this.fromFile.size && [...next].every(n => this.fromFile.has(n))) return;
    this.fromFile = next;
    this.changed();
  }
}
