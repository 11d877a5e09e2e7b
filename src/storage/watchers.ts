// Fan-out of committed events to prefix watchers, shared by the storage backends. Events are
// delivered synchronously right after a commit, before the writers' promises settle, so a reader
// that sees a write acknowledged never sees a watch cache that lacks it.
import type { StoreEvent, StoreWatcher, WatchOptions } from './types.js';

interface Registration {
  prefix: string;
  opts: WatchOptions;
  /** Order of registration: one made during a publish has replayed that publish's events. */
  seq: number;
}

export class WatcherSet {
  private readonly registrations = new Set<Registration>();
  private lastSeq = 0;

  /** Registers a watcher after handing it `replay` (the history it asked for). */
  add(prefix: string, opts: WatchOptions, replay: StoreEvent[]): StoreWatcher {
    const reg: Registration = { prefix, opts, seq: ++this.lastSeq };
    this.registrations.add(reg);
    if (replay.length) this.deliver(reg, replay);
    return { close: () => this.registrations.delete(reg) };
  }

  /**
   * Delivers one commit's events (in revision order) to every interested watcher. Called for
   * every write with every watcher registered (one per watched resource), so a watcher that wants
   * none of the events costs no allocation.
   */
  publish(events: StoreEvent[]): void {
    // Registrations a callback adds while this runs are skipped (they replayed these events);
    // removed ones are not visited (a Set's iteration skips entries deleted before they are reached).
    const last = this.lastSeq;
    for (const reg of this.registrations) {
      if (reg.seq > last) continue;
      const mine = wanted(events, reg);
      if (mine) this.deliver(reg, mine);
    }
  }

  closeAll(err: Error): void {
    const regs = [...this.registrations];
    this.registrations.clear();
    for (const reg of regs) reg.opts.onError?.(err);
  }

  /** A watcher whose callback throws is dropped (and told why) rather than breaking the writer. */
  private deliver(reg: Registration, events: StoreEvent[]): void {
    try {
      reg.opts.onEvents(events);
    } catch (err) {
      this.registrations.delete(reg);
      reg.opts.onError?.(err as Error);
    }
  }
}

/** The events `reg` wants, or undefined for none; a watch may start from a revision not reached yet. */
function wanted(events: StoreEvent[], reg: Registration): StoreEvent[] | undefined {
  let mine: StoreEvent[] | undefined;
  for (const e of events) {
    if (e.kv.modRevision > reg.opts.afterRevision && e.kv.key.startsWith(reg.prefix)) (mine ??= []).push(e);
  }
  return mine;
}
