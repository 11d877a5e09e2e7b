// CronJob schedules, parsed once for validation and the CronJob controller, as both of upstream's
// use robfig/cron v3's ParseStandard: five fields (ranges, steps, lists, month and weekday names),
// the @descriptors, `@every DURATION` in Go's duration syntax and a CRON_TZ=/TZ= prefix, with its
// error texts. Activation times are computed in an IANA time zone by walking real instants and
// reading the zone's wall clock through Intl, so DST gaps are skipped and repeated wall-clock times
// occur twice, as upstream.
import { GoDurationError, parseGoDuration } from '../util/go-duration.js';
import { succeeds } from '../util/succeeds.js';

export class CronSyntaxError extends Error {}

interface Bounds { min: number; max: number; names?: Record<string, number> }
const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DAYS_OF_MONTH: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = { min: 1, max: 12, names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 } };
const DAYS_OF_WEEK: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};
const EVERY = '@every ';

/** Activations at wall-clock times whose fields are all in these sets. */
export interface FieldSchedule {
  kind: 'fields';
  minutes: Set<number>;
  hours: Set<number>;
  doms: Set<number>;
  months: Set<number>;
  dows: Set<number>;
  /** Day-of-month or day-of-week began with `*`/`?`: then both must match, otherwise either. */
  domStar: boolean;
  dowStar: boolean;
  /** The zone of a CRON_TZ=/TZ= prefix (only old objects may still carry one). */
  timeZone?: string;
}

/** `@every`: activations `delayMs` apart (whole seconds, at least one), from the previous one. */
export interface EverySchedule {
  kind: 'every';
  delayMs: number;
  timeZone?: string;
}

export type Schedule = FieldSchedule | EverySchedule;

export function parseSchedule(input: string): Schedule {
  if (!input) throw new CronSyntaxError('empty spec string');
  let spec = input;
  let timeZone: string | undefined;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const space = spec.indexOf(' ');
    const zone = spec.slice(spec.indexOf('=') + 1, space < 0 ? undefined : space);
    if (!isTimeZone(zone)) throw new CronSyntaxError(`provided bad location ${zone}: unknown time zone ${zone}`);
    // Go's LoadLocation reads "" as UTC; "Local" is the controller's own zone, which is UTC here.
    timeZone = zone === '' || zone === 'Local' ? 'UTC' : zone;
    spec = space < 0 ? '' : spec.slice(space).trim();
  }
  const schedule = spec.startsWith('@') ? parseDescriptor(spec) : parseFields(spec);
  if (timeZone !== undefined) schedule.timeZone = timeZone;
  return schedule;
}

/** Why a schedule does not parse, in robfig/cron's words; undefined when it does. */
export function cronScheduleError(schedule: string): string | undefined {
  try {
    parseSchedule(schedule);
    return undefined;
  } catch (err) {
    if (err instanceof CronSyntaxError) return err.message;
    throw err;
  }
}

function parseDescriptor(spec: string): Schedule {
  const fields = DESCRIPTORS[spec];
  if (fields) return parseFields(fields);
  if (spec.startsWith(EVERY)) {
    let ns: bigint;
    try {
      ns = parseGoDuration(spec.slice(EVERY.length));
    } catch (err) {
      if (err instanceof GoDurationError) throw new CronSyntaxError(`failed to parse duration ${spec}: ${err.message}`);
      throw err;
    }
    // robfig's Every: at least a second, and whole seconds.
    const seconds = ns < 1_000_000_000n ? 1n : ns / 1_000_000_000n;
    return { kind: 'every', delayMs: Number(seconds) * 1000 };
  }
  throw new CronSyntaxError(`unrecognized descriptor: ${spec}`);
}

function parseFields(spec: string): FieldSchedule {
  const fields = spec.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) throw new CronSyntaxError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  const [minutes, hours, doms, months, dows] = fields.map((f, i) => parseField(f, [MINUTES, HOURS, DAYS_OF_MONTH, MONTHS, DAYS_OF_WEEK][i]));
  return {
    kind: 'fields', minutes: minutes.values, hours: hours.values, doms: doms.values, months: months.values, dows: dows.values,
    domStar: doms.star, dowStar: dows.star,
  };
}

function parseField(field: string, b: Bounds): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const range of field.split(',').filter(Boolean)) {
    const r = parseRange(range, b);
    for (let v = r.start; v <= r.end; v += r.step) values.add(v);
    star ||= r.star;
  }
  return { values, star };
}

function parseRange(expr: string, b: Bounds): { start: number; end: number; step: number; star: boolean } {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0], b.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1], b.names);
    else throw new CronSyntaxError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]);
    // "N/step" means "N-max/step"; a step over 1 makes `*` a restriction.
    if (lowAndHigh.length === 1) end = b.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) {
    throw new CronSyntaxError(`too many slashes: ${expr}`);
  }
  if (start < b.min) throw new CronSyntaxError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new CronSyntaxError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new CronSyntaxError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronSyntaxError(`step of range should be a positive number: ${expr}`);
  return { start, end, step, star };
}

function parseIntOrName(expr: string, names?: Record<string, number>): number {
  const named = names?.[expr.toLowerCase()];
  return named ?? mustParseInt(expr);
}

/** Go's strconv.Atoi, then a sign check, with their messages. */
function mustParseInt(expr: string): number {
  if (!/^[-+]?\d+$/.test(expr)) throw new CronSyntaxError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  const n = Number(expr);
  if (n < 0) throw new CronSyntaxError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

/** Whether Go's time.LoadLocation knows a zone name ("" is UTC). */
export function isTimeZone(zone: string): boolean {
  return zone === '' || zone === 'UTC' || zone === 'Local' || succeeds(() => new Intl.DateTimeFormat('en-US', { timeZone: zone }));
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

function dayMatches(s: FieldSchedule, w: WallClock): boolean {
  const dom = s.doms.has(w.day);
  const dow = s.dows.has(w.weekday);
  return s.domStar || s.dowStar ? dom && dow : dom || dow;
}

const SECOND_MS = 1000;
const MINUTE_MS = 60_000;
const SEARCH_LIMIT_MS = 5 * 366 * 24 * 60 * MINUTE_MS;

/** A step towards a boundary `minutes` away that stops an hour short of it when it is further. */
function approach(minutes: number): number {
  return (minutes > 60 ? minutes - 60 : minutes) * MINUTE_MS;
}

/**
 * The first activation strictly after `afterMs` (for `@every`, the delay after `afterMs` truncated
 * to the second, as robfig's ConstantDelaySchedule), or undefined if none within five years.
 */
export function nextTime(s: Schedule, afterMs: number, timeZone = 'UTC'): number | undefined {
  if (s.kind === 'every') return Math.floor(afterMs / SECOND_MS) * SECOND_MS + s.delayMs;
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
