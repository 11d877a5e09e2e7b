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

  add(prefix: string, opts: WatchOptions, replay: StoreEvent[]): StoreWatcher {
    const reg: Registration = { prefix, opts };
    if (replay.length) opts.onEvents(replay);
    this.registrations.add(reg);
    return { close: () => this.registrations.delete(reg) };
  }

  /** Delivers one commit's events (in revision order) to every interested watcher. */
  publish(events: StoreEvent[]): void {
    for (const reg of this.registrations) {
      const mine = events.filter(e => e.kv.key.startsWith(reg.prefix));
      if (mine.length) {
        try {
          reg.opts.onEvents(mine);
        } catch (err) {
          this.registrations.delete(reg);
          reg.opts.onError?.(err as Error);
        }
      }
    }
  }

  closeAll(err: Error): void {
    for (const reg of this.registrations) reg.opts.onError?.(err);
    this.registrations.clear();
  }
}
