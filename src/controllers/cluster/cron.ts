// Cron schedules as CronJobs use them (robfig/cron's standard parser): five fields with ranges,
// steps, lists, month and weekday names and the @-macros; times computed in an IANA time zone by
// walking real instants and reading the zone's wall clock through Intl, so DST gaps are skipped and
// repeated wall-clock times occur twice, as upstream.

export class CronSyntaxError extends Error {}

interface Field { min: number; max: number; names?: string[] }
const MINUTE: Field = { min: 0, max: 59 };
const HOUR: Field = { min: 0, max: 23 };
const DOM: Field = { min: 1, max: 31 };
const MONTH: Field = { min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] };
const DOW: Field = { min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] };

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};

export interface Schedule {
  minutes: Set<number>;
  hours: Set<number>;
  doms: Set<number>;
  months: Set<number>;
  dows: Set<number>;
  /** Day-of-month or day-of-week began with `*`/`?`: then both must match, otherwise either. */
  domStar: boolean;
  dowStar: boolean;
}

export function parseSchedule(spec: string): Schedule {
  const text = spec.trim();
  const expanded = text.startsWith('@') ? MACROS[text.toLowerCase()] : text;
  if (!expanded) throw new CronSyntaxError(`unrecognized descriptor: ${text}`);
  const parts = expanded.split(/\s+/);
  if (parts.length !== 5) throw new CronSyntaxError(`expected exactly 5 fields, found ${parts.length}: ${text}`);
  const [mi, h, dom, mo, dow] = parts;
  const days = parseField(dom, DOM);
  const weekdays = parseField(dow, DOW, true);
  return {
    minutes: parseField(mi, MINUTE).values, hours: parseField(h, HOUR).values, months: parseField(mo, MONTH).values,
    doms: days.values, dows: weekdays.values, domStar: days.star, dowStar: weekdays.star,
  };
}

function parseField(text: string, f: Field, weekday = false): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const item of text.split(',')) {
    const [range, stepText, ...extra] = item.split('/');
    if (extra.length) throw new CronSyntaxError(`too many slashes: ${item}`);
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      lo = f.min;
      hi = f.max;
      if (stepText === undefined || stepText === '1') star = true;
    } else {
      const [a, b, ...more] = range.split('-');
      if (more.length) throw new CronSyntaxError(`too many hyphens: ${item}`);
      lo = value(a, f, weekday);
      // `N/step` means N through the maximum.
      hi = b !== undefined ? value(b, f, weekday) : stepText !== undefined ? f.max : lo;
    }
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step <= 0 || !/^\d+$/.test(stepText ?? '1')) throw new CronSyntaxError(`step must be a positive number: ${item}`);
    if (lo > hi) throw new CronSyntaxError(`beginning of range (${lo}) beyond end of range (${hi}): ${item}`);
    for (let v = lo; v <= hi; v += step) values.add(weekday && v === 7 ? 0 : v);
  }
  return { values, star };
}

function value(text: string, f: Field, weekday: boolean): number {
  const named = f.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + f.min;
  if (!/^\d+$/.test(text)) throw new CronSyntaxError(`failed to parse int from ${text}`);
  const n = Number(text);
  // 7 is accepted as Sunday, as most crons do.
  const max = weekday ? 7 : f.max;
  if (n < f.min || n > max) throw new CronSyntaxError(`value (${n}) out of range [${f.min}, ${f.max}]`);
  return n;
}

export interface WallClock { year: number; month: number; day: number; hour: number; minute: number; weekday: number }

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Throws RangeError for an unknown zone. */
export function wallClock(ms: number, timeZone = 'UTC'): WallClock {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') {
    const d = new Date(ms);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), weekday: d.getUTCDay() };
  }
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
    formatters.set(timeZone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(ms)) p[part.type] = part.value;
  return { year: +p.year, month: +p.month, day: +p.day, hour: +p.hour % 24, minute: +p.minute, weekday: WEEKDAYS.indexOf(p.weekday) };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function dayMatches(s: Schedule, w: WallClock): boolean {
  const dom = s.doms.has(w.day);
  const dow = s.dows.has(w.weekday);
  return s.domStar || s.dowStar ? dom && dow : dom || dow;
}

const MINUTE_MS = 60_000;
const SEARCH_LIMIT_MS = 5 * 366 * 24 * 60 * MINUTE_MS;

/** A step towards a boundary `minutes` away that stops an hour short of it when it is further. */
function approach(minutes: number): number {
  return (minutes > 60 ? minutes - 60 : minutes) * MINUTE_MS;
}

/** The first activation strictly after `afterMs`, or undefined if none within five years. */
export function nextTime(s: Schedule, afterMs: number, timeZone = 'UTC'): number | undefined {
  let t = Math.floor(afterMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  const limit = t + SEARCH_LIMIT_MS;
  while (t < limit) {
    const w = wallClock(t, timeZone);
    // Skip ahead to an hour before the next boundary, then hour by hour: a DST shift of up to an
    // hour can never carry the walk past a matching midnight.
    if (!s.months.has(w.month)) {
      t += approach(((daysInMonth(w.year, w.month) - w.day) * 24 + (23 - w.hour)) * 60 + (60 - w.minute));
    } else if (!dayMatches(s, w)) {
      t += approach((23 - w.hour) * 60 + (60 - w.minute));
    } else if (!s.hours.has(w.hour)) {
      t += (60 - w.minute) * MINUTE_MS;
    } else if (!s.minutes.has(w.minute)) {
      t += MINUTE_MS;
    } else {
      return t;
    }
  }
  return undefined;
}

/** RFC 3339 with the zone's offset (`Z` for UTC), as Go's time.Format(time.RFC3339) in that zone. */
export function formatInZone(ms: number, timeZone = 'UTC'): string {
  const w = wallClock(ms, timeZone);
  const wallMs = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, new Date(ms).getUTCSeconds());
  const offsetMin = Math.round((wallMs - ms) / MINUTE_MS);
  const pad = (n: number, l = 2) => String(n).padStart(l, '0');
  const date = `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(new Date(ms).getUTCSeconds())}`;
  if (offsetMin === 0) return `${date}Z`;
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${date}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
