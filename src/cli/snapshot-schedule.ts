// Scheduled snapshots (k3s's --etcd-snapshot-schedule-cron and --etcd-snapshot-retention): at each
// time the cron schedule names, a snapshot named `etcd-snapshot-<node>-<unix seconds>`, then the
// oldest scheduled ones beyond the retention count are deleted.
import { nextTime, type Schedule } from '../api/cron-schedule.js';
import type { Logger } from '../util/log.js';
import { newSnapshotPath, pruneSnapshots, SCHEDULED_NAME } from './snapshot-files.js';

export interface SnapshotScheduleOptions {
  schedule: Schedule;
  retention: number;
  dir: string;
  /** Writes a snapshot to `path`; returns its size. */
  save(path: string): Promise<number>;
  log: Logger;
}

/** Starts taking snapshots on schedule; returns the function that stops it. */
export function startSnapshotSchedule(o: SnapshotScheduleOptions): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const arm = () => {
    const next = nextTime(o.schedule, Date.now(), o.schedule.timeZone);
    if (next === undefined || stopped) return;
    // Timers cannot wait longer than about 24.8 days: wake up and look again.
    timer = setTimeout(() => void (Date.now() >= next ? take() : Promise.resolve()).finally(arm), Math.min(next - Date.now(), 2 ** 31 - 1));
    timer.unref();
  };
  const take = async () => {
    try {
      const path = newSnapshotPath(o.dir, SCHEDULED_NAME);
      const size = await o.save(path);
      const pruned = pruneSnapshots(o.dir, SCHEDULED_NAME, o.retention);
      o.log('scheduled snapshot saved', { path, size, pruned });
    } catch (err) {
      o.log('scheduled snapshot failed', { error: (err as Error).message });
    }
  };
  arm();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
