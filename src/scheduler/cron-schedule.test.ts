import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cron } from 'croner';
import { checkSchedule, nextFireAfter, nextFireTimes, type Schedule } from './cron-schedule.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number[]) => ms.map((t) => new Date(t).toISOString());
const cron = (expr: string, extra: Partial<Schedule> = {}): Schedule => ({ cron: expr, timezone: 'UTC', ...extra });

test('6 fields start with seconds; a fire is strictly after the reference, milliseconds included', () => {
  const s = cron('*/15 * * * * *');
  assert.equal(nextFireAfter(s, at('2026-01-01T00:00:00.000Z')), at('2026-01-01T00:00:15Z'));
  assert.equal(nextFireAfter(s, at('2026-01-01T00:00:14.999Z')), at('2026-01-01T00:00:15Z'));
  assert.deepEqual(iso(nextFireTimes(s, at('2026-01-01T00:00:50Z'), 3)), ['2026-01-01T00:01:00.000Z', '2026-01-01T00:01:15.000Z', '2026-01-01T00:01:30.000Z']);
});

test('5 fields start with minutes (second 0); L, W and # work', () => {
  assert.deepEqual(iso(nextFireTimes(cron('30 9 * * 1-5'), at('2026-01-02T12:00:00Z'), 2)), ['2026-01-05T09:30:00.000Z', '2026-01-06T09:30:00.000Z']);
  assert.deepEqual(iso(nextFireTimes(cron('0 0 L * *'), at('2026-01-15T00:00:00Z'), 2)), ['2026-01-31T00:00:00.000Z', '2026-02-28T00:00:00.000Z']);
  assert.equal(nextFireAfter(cron('0 0 * * 5#2'), at('2026-03-01T00:00:00Z')), at('2026-03-13T00:00:00Z')); // 2nd Friday
  assert.equal(nextFireAfter(cron('0 0 15W * *'), at('2026-08-01T00:00:00Z')), at('2026-08-14T00:00:00Z')); // 15th is a Saturday
});

test('every: a fixed interval aligned to start, or to the epoch without one', () => {
  const start = '2026-01-01T00:00:07Z';
  const s: Schedule = { every: 10_000, timezone: 'UTC', start };
  assert.equal(nextFireAfter(s, at('2025-12-31T00:00:00Z')), at(start), 'the first fire is start itself');
  assert.equal(nextFireAfter(s, at(start)), at('2026-01-01T00:00:17Z'));
  assert.deepEqual(iso(nextFireTimes(s, at('2026-01-01T00:00:20Z'), 2)), ['2026-01-01T00:00:27.000Z', '2026-01-01T00:00:37.000Z']);
  assert.equal(nextFireAfter({ every: 30_000, timezone: 'Asia/Shanghai' }, at('2026-01-01T00:00:01Z')), at('2026-01-01T00:00:30Z'));
});

test('start and end bound the fires, both inclusive; after end there is none', () => {
  const s = cron('0 * * * * *', { start: '2026-01-01T10:00:00Z', end: '2026-01-01T10:03:00+00:00' });
  assert.deepEqual(iso(nextFireTimes(s, 0, 10)), ['2026-01-01T10:00:00.000Z', '2026-01-01T10:01:00.000Z', '2026-01-01T10:02:00.000Z', '2026-01-01T10:03:00.000Z']);
  assert.equal(nextFireAfter(s, at('2026-01-01T10:03:00Z')), undefined);
  const late = cron('0 * * * * *', { start: '2026-01-01T10:00:30.500Z' });
  assert.equal(nextFireAfter(late, 0), at('2026-01-01T10:01:00Z'), 'a start between slots moves to the next slot');
  assert.equal(nextFireAfter({ every: 60_000, timezone: 'UTC', end: '2026-01-01T00:00:00Z' }, at('2026-01-01T00:00:00Z')), undefined);
});

test('DST spring-forward in New York: a skipped 02:30 fires once at 03:00, then back to 02:30 EDT', () => {
  const s = cron('0 30 2 * * *', { timezone: 'America/New_York' });
  assert.deepEqual(iso(nextFireTimes(s, at('2026-03-07T12:00:00Z'), 3)), ['2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z', '2026-03-10T06:30:00.000Z']);
  const list = cron('0 30 2,14 * * *', { timezone: 'America/New_York' });
  assert.deepEqual(iso(nextFireTimes(list, at('2026-03-07T20:00:00Z'), 2)), ['2026-03-08T07:00:00.000Z', '2026-03-08T18:30:00.000Z'], 'a list of fixed times too');
});

test('DST fall-back in New York: a repeated 01:30 fires once; a */30 pattern keeps 30-minute real spacing', () => {
  const once = cron('0 30 1 * * *', { timezone: 'America/New_York' });
  assert.deepEqual(iso(nextFireTimes(once, at('2026-10-31T12:00:00Z'), 2)), ['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
  const steps = nextFireTimes(cron('0 */30 0-3 * * *', { timezone: 'America/New_York' }), at('2026-11-01T03:59:00Z'), 10);
  assert.equal(steps[0], at('2026-11-01T04:00:00Z'), '00:00 EDT');
  assert.deepEqual(steps.slice(1).map((t, i) => t - steps[i]!), Array(9).fill(30 * 60_000), '01:00 and 01:30 run in EDT and again in EST');
  assert.equal(steps[9], at('2026-11-01T08:30:00Z'), '03:30 EST');
});

test('Asia/Shanghai (UTC+8, no DST) and an every-second cron across midnight', () => {
  assert.equal(nextFireAfter(cron('0 0 9 * * *', { timezone: 'Asia/Shanghai' }), at('2026-06-30T02:00:00Z')), at('2026-07-01T01:00:00Z'));
  const s = cron('* * * * * *', { timezone: 'Asia/Shanghai' });
  assert.deepEqual(iso(nextFireTimes(s, at('2026-06-30T15:59:59Z'), 2)), ['2026-06-30T16:00:00.000Z', '2026-06-30T16:00:01.000Z']);
});

/** Instants in 2026 around which `timezone` changes its UTC offset (sampled every 6 hours). */
function transitions(timezone: string): number[] {
  const offset = (t: number) => new Date(t).toLocaleString('en-US', { timeZone: timezone, timeZoneName: 'longOffset' }).split('GMT')[1];
  const found: number[] = [];
  for (let t = at('2026-01-01T00:00:00Z'); t < at('2027-01-01T00:00:00Z'); t += 6 * 3_600_000) if (offset(t) !== offset(t + 6 * 3_600_000)) found.push(t);
  return found;
}

test('the cached fixed-offset path gives the same instants as croner\'s time-zone path, also across transitions', () => {
  const zones = ['America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Kolkata', 'Africa/Casablanca', 'Pacific/Chatham'];
  const patterns = ['*/7 * * * * *', '0 */30 * * * *', '0 30 2 * * *', '0 15 1,2,3 * * *', '0 0 0 L * *', '0 45 23 * * 0'];
  let compared = 0;
  for (const timezone of zones) {
    // Every 12 hours through 2026, and every 13 minutes within 30 hours of each offset change.
    const refs: number[] = [];
    for (let t = at('2026-01-01T00:00:00Z'); t < at('2027-01-01T00:00:00Z'); t += 12 * 3_600_000 + 61_000) refs.push(t);
    for (const change of transitions(timezone)) for (let t = change - 30 * 3_600_000; t < change + 36 * 3_600_000; t += 13 * 60_000) refs.push(t);
    for (const pattern of patterns) {
      const reference = new Cron(pattern, { timezone, mode: '5-or-6-parts', fixedTimeRule: 'no-wildcard' });
      const schedule = cron(pattern, { timezone });
      for (const t of refs) {
        assert.equal(nextFireAfter(schedule, t), reference.nextRun(new Date(t))!.getTime(), `${pattern} in ${timezone} after ${new Date(t).toISOString()}`);
        compared++;
      }
    }
  }
  assert.ok(compared > 50_000, `compared ${compared}`);
});

test('checkSchedule names the problem: cron syntax, unknown zone, end before start, an impossible date', () => {
  assert.equal(checkSchedule(cron('*/5 * * * * *', { timezone: 'Europe/Berlin' })), undefined);
  assert.equal(checkSchedule({ every: 1000, timezone: 'UTC' }), undefined);
  assert.match(checkSchedule(cron('61 * * * *'))!, /cron "61 \* \* \* \*": .*minute: 61/);
  assert.match(checkSchedule(cron('every minute'))!, /cron "every minute"/);
  assert.match(checkSchedule(cron('* * * * * * 2030'))!, /exactly 5 or 6 parts/);
  assert.match(checkSchedule(cron('0 * * * *', { timezone: 'Mars/Olympus_Mons' }))!, /unknown time zone "Mars\/Olympus_Mons"/);
  assert.match(checkSchedule(cron('0 * * * *', { start: '2026-02-01T00:00:00Z', end: '2026-01-01T00:00:00Z' }))!, /end .* is before start/);
  assert.match(checkSchedule(cron('0 0 30 2 *'))!, /never matches/);
  assert.throws(() => nextFireAfter(cron('61 * * * *'), 0), /invalid schedule: cron "61/);
});
