// Which scheduled time a CronJob should run now: the most recent activation in (earliest, now]
// that has not run, and how many were missed, as upstream's mostRecentScheduleTime.
import { nextTime, type Schedule } from '../../api/cron-schedule.js';

/** Beyond this many missed activations upstream warns (TooManyMissedTimes). */
export const TOO_MANY_MISSED = 100;
const DAY_MS = 24 * 3600_000;

export interface ScheduleCheck {
  /** The latest activation after `earliest` and at or before `now`. */
  mostRecent?: number;
  /** Activations in (earliest, now]; counting stops soon after TOO_MANY_MISSED. */
  missed: number;
  /** The activation after the most recent one (after `earliest` if none): the first after `now`. */
  next?: number;
}

export function checkSchedule(s: Schedule, timeZone: string, earliestMs: number, nowMs: number): ScheduleCheck {
  let mostRecent: number | undefined;
  let missed = 0;
  for (let t = nextTime(s, earliestMs, timeZone); t !== undefined && t <= nowMs; t = nextTime(s, t, timeZone)) {
    mostRecent = t;
    missed++;
    // Many missed already: only the latest matters, so look for it in the last day instead of
    // walking (possibly months of) every activation.
    if (missed === TOO_MANY_MISSED && t < nowMs - DAY_MS) {
      const latest = latestBetween(s, timeZone, nowMs - DAY_MS, nowMs);
      if (latest !== undefined) return { mostRecent: latest, missed, next: nextTime(s, latest, timeZone) };
    }
  }
  // After the latest activation, not after now: `@every` counts from the previous activation.
  return { mostRecent, missed, next: nextTime(s, mostRecent ?? earliestMs, timeZone) };
}

function latestBetween(s: Schedule, timeZone: string, fromMs: number, toMs: number): number | undefined {
  let latest: number | undefined;
  for (let t = nextTime(s, fromMs, timeZone); t !== undefined && t <= toMs; t = nextTime(s, t, timeZone)) latest = t;
  return latest;
}

/** `<cronjob>-<scheduled time in minutes since the epoch>`, so each activation creates one job. */
export function jobNameFor(cronJobName: string, scheduledMs: number): string {
  return `${cronJobName}-${Math.floor(scheduledMs / 60_000)}`;
}
