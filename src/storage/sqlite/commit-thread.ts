// The store's handle on its commit worker (commit-worker.ts): sends it batches, compactions and
// the close, hands its answers on, and keeps the process alive only while an answer is owed (an
// idle store must not, just as an open database connection does not).
import { Worker } from 'node:worker_threads';
import { StorageError } from '../types.js';
import type { BatchOutcome, CommitWorkerData, FromWorker, ToWorker, WriteOp } from './commit-protocol.js';

export interface CommitListener {
  /** Batches made durable, oldest first, in the order they were sent. */
  durable(batches: BatchOutcome[]): void;
  /** Nothing more will be committed or acknowledged: the WAL could not be synced, or the worker died. */
  failed(message: string): void;
}

interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
}

export class CommitThread {
  private readonly worker: Worker;
  /** Batches, compactions and closes sent but not answered. */
  private owed = 0;
  private readonly sweeps = new Map<number, Waiter>();
  private closeWaiters: Array<() => void> = [];
  private stopped = false;

  constructor(data: CommitWorkerData, private readonly listener: CommitListener) {
    this.worker = new Worker(new URL('./commit-worker.js', import.meta.url), {
      workerData: data,
      // The worker inherits node's options (so --cpu-prof profiles it too), except the one that
      // only applies to an --eval script: a process started that way could not start a worker.
      execArgv: process.execArgv.filter(arg => !arg.startsWith('--input-type')),
    });
    this.worker.unref();
    this.worker.on('message', (m: FromWorker) => this.receive(m));
    this.worker.on('error', err => this.fail(`commit worker failed: ${err.message}`));
    this.worker.on('exit', code => this.fail(`commit worker exited with code ${code}`));
  }

  commit(ops: WriteOp[]): void {
    this.send({ type: 'commit', ops });
  }

  /** Resolves once the worker has swept everything up to `target` (or the store closed first). */
  compact(target: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.sweeps.set(target, { resolve, reject });
      this.send({ type: 'compact', target });
    });
  }

  /** Resolves once everything sent before is answered and the worker is gone. */
  close(): Promise<void> {
    return new Promise(resolve => {
      if (this.stopped) return resolve();
      this.closeWaiters.push(resolve);
      this.send({ type: 'close' });
    });
  }

  private send(m: ToWorker): void {
    if (this.owed++ === 0) this.worker.ref();
    this.worker.postMessage(m);
  }

  private answered(n: number): void {
    this.owed -= n;
    if (this.owed === 0) this.worker.unref();
  }

  private receive(m: FromWorker): void {
    switch (m.type) {
      case 'durable':
        this.answered(m.batches.length);
        this.listener.durable(m.batches);
        break;
      case 'swept': {
        this.answered(1);
        const waiter = this.sweeps.get(m.target)!;
        this.sweeps.delete(m.target);
        if (m.error === undefined) waiter.resolve();
        else waiter.reject(new StorageError(`compaction failed: ${m.error}`));
        break;
      }
      case 'failed':
        this.fail(m.message);
        break;
      case 'closed':
        // Sweeps still under way were abandoned; their durable progress lets the next open resume.
        this.stop(w => w.resolve());
        break;
    }
  }

  private fail(message: string): void {
    if (this.stopped) return;
    const failure = new StorageError(message);
    this.stop(w => w.reject(failure));
    this.listener.failed(message);
  }

  private stop(settleSweep: (w: Waiter) => void): void {
    this.stopped = true;
    for (const w of this.sweeps.values()) settleSweep(w);
    this.sweeps.clear();
    void this.worker.terminate();
    for (const resolve of this.closeWaiters) resolve();
    this.closeWaiters = [];
  }
}
