import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CronSyntaxError, cronScheduleError, formatInZone, nextTime, parseSchedule, type FieldSchedule } from './cron-schedule.js';

const at = (iso: string) => Date.parse(iso);
const next = (spec: string, after: string, tz?: string) => {
  const t = nextTime(parseSchedule(spec), at(after), tz);
  return t === undefined ? undefined : new Date(t).toISOString();
};

const fields = (spec: string) => parseSchedule(spec) as FieldSchedule;

test('fields: ranges, steps, lists and names', () => {
  const s = fields('*/15 9-17 * JAN,mar-may mon-fri');
  assert.deepEqual([...s.minutes], [0, 15, 30, 45]);
  assert.deepEqual([...s.hours], [9, 10, 11, 12, 13, 14, 15, 16, 17]);
  assert.deepEqual([...s.months], [1, 3, 4, 5]);
  assert.deepEqual([...s.dows], [1, 2, 3, 4, 5]);
  assert.deepEqual([...fields('5/20 * * * *').minutes], [5, 25, 45]);
  assert.deepEqual([...fields('1,2,10-12/2 * * * *').minutes], [1, 2, 10, 12]);
  assert.deepEqual([...fields('0 0 * * SUN').dows], [0]);
});

test('macros', () => {
  assert.equal(next('@hourly', '2024-03-01T10:20:00Z'), '2024-03-01T11:00:00.000Z');
  assert.equal(next('@daily', '2024-03-01T10:20:00Z'), '2024-03-02T00:00:00.000Z');
  assert.equal(next('@weekly', '2024-03-01T10:20:00Z'), '2024-03-03T00:00:00.000Z');
  assert.equal(next('@monthly', '2024-03-01T10:20:00Z'), '2024-04-01T00:00:00.000Z');
  assert.equal(next('@yearly', '2024-03-01T10:20:00Z'), '2025-01-01T00:00:00.000Z');
});

test('syntax errors, in robfig/cron\'s words', () => {
  for (const bad of ['* * * *', '60 * * * *', '* * * * * *', '*/0 * * * *', '5-1 * * * *', 'x * * * *', '* * 0 * *', '0 0 * * 7', '@Daily', '@every 5', '@every']) {
    assert.throws(() => parseSchedule(bad), CronSyntaxError, bad);
  }
  for (const ok of ['* * * * *', '*/5 * * * MON-FRI', '0 0 1 jan,jul *', '@hourly', '@every 1h30m', '5 4 * * sun', '0-59/15 * * * *']) assert.equal(cronScheduleError(ok), undefined, ok);
  assert.equal(cronScheduleError('61 * * * *'), 'end of range (61) above maximum (59): 61');
  assert.equal(cronScheduleError('* * * *'), 'expected exactly 5 fields, found 4: [* * * *]');
  assert.equal(cronScheduleError('* * * * 7'), 'end of range (7) above maximum (6): 7');
  assert.equal(cronScheduleError('x * * * *'), 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax');
  assert.equal(cronScheduleError('5-1 * * * *'), 'beginning of range (5) beyond end of range (1): 5-1');
  assert.equal(cronScheduleError('*/0 * * * *'), 'step of range should be a positive number: */0');
  assert.equal(cronScheduleError('@fortnightly'), 'unrecognized descriptor: @fortnightly');
  assert.equal(cronScheduleError('@every 5'), 'failed to parse duration @every 5: time: missing unit in duration "5"');
  assert.equal(cronScheduleError('@every 5d'), 'failed to parse duration @every 5d: time: unknown unit "d" in duration "5d"');
  assert.equal(cronScheduleError('@every h'), 'failed to parse duration @every h: time: invalid duration "h"');
  assert.equal(cronScheduleError('TZ=Mars/Olympus 0 * * * *'), 'provided bad location Mars/Olympus: unknown time zone Mars/Olympus');
  assert.equal(cronScheduleError(''), 'empty spec string');
});

test('@every: the delay after the previous activation, whole seconds and at least one', () => {
  const s = parseSchedule('@every 1h30m');
  assert.deepEqual(s, { kind: 'every', delayMs: 5_400_000 });
  assert.equal(next('@every 1h30m', '2024-03-01T10:20:00Z'), '2024-03-01T11:50:00.000Z');
  // The previous activation's sub-second part is dropped, as robfig's ConstantDelaySchedule does.
  assert.equal(next('@every 1h30m', '2024-03-01T10:20:00.750Z'), '2024-03-01T11:50:00.000Z');
  assert.equal(next('@every 90s', '2024-03-01T11:50:00Z'), '2024-03-01T11:51:30.000Z');
  assert.deepEqual(parseSchedule('@every 1500ms'), { kind: 'every', delayMs: 1000 });
  assert.deepEqual(parseSchedule('@every 10ms'), { kind: 'every', delayMs: 1000 });
  // A CronJob's activations follow one another; the zone changes nothing.
  assert.equal(next('@every 2h', '2024-03-10T06:00:00Z', 'America/New_York'), '2024-03-10T08:00:00.000Z');
});

test('a CRON_TZ=/TZ= prefix names the zone of the schedule', () => {
  assert.equal(parseSchedule('CRON_TZ=Asia/Tokyo 0 9 * * *').timeZone, 'Asia/Tokyo');
  assert.equal(parseSchedule('TZ=UTC @hourly').timeZone, 'UTC');
  assert.equal(parseSchedule('0 9 * * *').timeZone, undefined);
});

test('next time is strictly after and minute-aligned', () => {
  assert.equal(next('* * * * *', '2024-03-01T10:20:00Z'), '2024-03-01T10:21:00.000Z');
  assert.equal(next('* * * * *', '2024-03-01T10:20:59.999Z'), '2024-03-01T10:21:00.000Z');
  assert.equal(next('30 23 31 12 *', '2024-03-01T00:00:00Z'), '2024-12-31T23:30:00.000Z');
  assert.equal(next('0 0 29 2 *', '2024-03-01T00:00:00Z'), '2028-02-29T00:00:00.000Z');
  assert.equal(next('0 0 30 2 *', '2024-03-01T00:00:00Z'), undefined);
});

test('day-of-month and day-of-week: either when both restricted, both when one is *', () => {
  // 2024-03-01 is a Friday. "1st of month or Monday":
  assert.equal(next('0 0 1 * MON', '2024-03-01T00:00:00Z'), '2024-03-04T00:00:00.000Z');
  // "* in day-of-month": only Mondays.
  assert.equal(next('0 0 * * MON', '2024-03-01T00:00:00Z'), '2024-03-04T00:00:00.000Z');
  // "*/2 in day-of-week" is a restriction: 1st of month or even weekday.
  assert.equal(next('0 0 15 * */2', '2024-03-01T00:00:00Z'), '2024-03-02T00:00:00.000Z'); // Saturday = 6
});

test('time zones: wall-clock times in the zone', () => {
  // 09:00 in Tokyo (UTC+9, no DST) is 00:00 UTC.
  assert.equal(next('0 9 * * *', '2024-03-01T00:00:00Z', 'Asia/Tokyo'), '2024-03-02T00:00:00.000Z');
  // 09:00 New York: EST (UTC-5) before 10 March 2024, EDT (UTC-4) after.
  assert.equal(next('0 9 * * *', '2024-03-08T15:00:00Z', 'America/New_York'), '2024-03-09T14:00:00.000Z');
  assert.equal(next('0 9 * * *', '2024-03-09T15:00:00Z', 'America/New_York'), '2024-03-10T13:00:00.000Z');
  // Midnight in a zone with a late-day offset.
  assert.equal(next('0 0 * * *', '2024-06-01T00:00:00Z', 'Asia/Kolkata'), '2024-06-01T18:30:00.000Z');
});

test('DST: a time in the spring-forward gap is skipped; a fall-back time occurs twice', () => {
  // 2024-03-10 02:30 does not exist in New York.
  assert.equal(next('30 2 * * *', '2024-03-09T12:00:00Z', 'America/New_York'), '2024-03-11T06:30:00.000Z');
  // 2024-11-03 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST).
  assert.equal(next('30 1 * * *', '2024-11-03T00:00:00Z', 'America/New_York'), '2024-11-03T05:30:00.000Z');
  assert.equal(next('30 1 * * *', '2024-11-03T05:30:00Z', 'America/New_York'), '2024-11-03T06:30:00.000Z');
});

test('RFC 3339 in a zone', () => {
  assert.equal(formatInZone(at('2024-03-02T00:00:00Z')), '2024-03-02T00:00:00Z');
  assert.equal(formatInZone(at('2024-03-02T00:00:00Z'), 'Asia/Tokyo'), '2024-03-02T09:00:00+09:00');
  assert.equal(formatInZone(at('2024-03-10T13:00:00Z'), 'America/New_York'), '2024-03-10T09:00:00-04:00');
  assert.equal(formatInZone(at('2024-06-01T18:30:00Z'), 'Asia/Kolkata'), '2024-06-02T00:00:00+05:30');
});
