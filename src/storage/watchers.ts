// Fan-out of committed events to prefix watchers, shared by the storage backends. Events are
// delivered synchronously right after a commit, before the writers' promises settle, so a reader
// that sees a write acknowledged never sees a watch cache that lacks it.
import type { StoreEvent, StoreWatcher, WatchOptions } from './types.js';

interface Registration {
  prefix: string;
  opts: WatchOptions;
}

export class WatcherSet {
  private readonly registrations = new Set<Registration>();

  /** Registers a watcher after handing it `replay` (the history it asked for). */
  add(prefix: string, opts: WatchOptions, replay: StoreEvent[]): StoreWatcher {
    const reg: Registration = { prefix, opts };
    this.registrations.add(reg);
    if (replay.length) this.deliver(reg, replay);
    return { close: () => this.registrations.delete(reg) };
  }

  /** Delivers one commit's events (in revision order) to every interested watcher. */
  publish(events: StoreEvent[]): void {
    // A snapshot: a watcher registered by a callback has already replayed these events.
    for (const reg of [...this.registrations]) {
      if (!this.registrations.has(reg)) continue;
      // A watch may start from a revision not reached yet: it sees nothing up to that one.
      const mine = events.filter(e => e.kv.key.startsWith(reg.prefix) && e.kv.modRevision > reg.opts.afterRevision);
      if (mine.length) this.deliver(reg, mine);
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
