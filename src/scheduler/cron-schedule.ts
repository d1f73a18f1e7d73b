import { Cron } from 'croner';
import type { Job } from './spec.ts';

/** A job's `schedule` block, as parsed by the config schema. */
export type Schedule = NonNullable<Job['schedule']>;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Margin around a stable day: wider than any DST shift, so no fire near a transition takes the fast path. */
const MARGIN = 3 * HOUR;
/** Offsets are sampled this often; no zone changes its offset twice within it. */
const SAMPLE = HOUR / 2;
/** Fires further apart than this are rare and always take croner's exact time-zone path. */
const FAST_SPAN = 8 * DAY;

/*
 * Croner's IANA time-zone path is exact across DST but costs ~45 µs per call (Intl on every step);
 * with a fixed `utcOffset` the same search costs 2–9 µs. So the zone's offset is cached per UTC day,
 * and a fire whose whole neighbourhood (±3 h) lies in days with one constant offset is computed
 * with that offset, which gives the same instant; anything near a transition uses the zone path.
 */

interface Compiled {
  readonly cron?: Cron;
  readonly everyMs?: number;
  readonly startMs?: number;
  readonly endMs?: number;
  readonly timezone: string;
  readonly byOffset: Map<number, Cron>;
  readonly problem?: string;
}

const compiled = new WeakMap<Schedule, Compiled>();
/**
 * Equal schedules share one compiled form: a croner instance with a time zone holds its own
 * Intl.DateTimeFormat (~80 KB), and 10,000 jobs loaded from the store are 10,000 schedule objects
 * (they made an 850 MB heap, whose garbage collections then held fires back for 15-90 ms).
 */
const byContent = new Map<string, Compiled>();
const MAX_DISTINCT = 10_000;

function cronOptions(extra: { timezone: string } | { utcOffset: number }) {
  // `no-wildcard`: a fixed time (also a list or range, as in Vixie cron) skipped by spring-forward
  // fires at the end of the gap and a repeated one once; `*` and steps keep real-time spacing.
  return { mode: '5-or-6-parts', fixedTimeRule: 'no-wildcard', ...extra } as const;
}

const zoneProblems = new Map<string, string | undefined>();

function zoneProblem(timezone: string): string | undefined {
  if (zoneProblems.has(timezone)) return zoneProblems.get(timezone);
  let problem: string | undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    problem = `unknown time zone "${timezone}" (use an IANA name such as "Europe/Berlin" or "UTC")`;
  }
  if (zoneProblems.size < 1000) zoneProblems.set(timezone, problem);
  return problem;
}

function compile(schedule: Schedule): Compiled {
  const base = { timezone: schedule.timezone, byOffset: new Map<number, Cron>() };
  const startMs = schedule.start === undefined ? undefined : Date.parse(schedule.start);
  const endMs = schedule.end === undefined ? undefined : Date.parse(schedule.end);
  const fail = (problem: string): Compiled => ({ ...base, problem });
  if (startMs !== undefined && Number.isNaN(startMs)) return fail(`start "${schedule.start}" is not an ISO 8601 date-time`);
  if (endMs !== undefined && Number.isNaN(endMs)) return fail(`end "${schedule.end}" is not an ISO 8601 date-time`);
  if (startMs !== undefined && endMs !== undefined && endMs < startMs) return fail(`end ${schedule.end} is before start ${schedule.start}`);
  if ((schedule.cron === undefined) === (schedule.every === undefined)) return fail('give exactly one of `cron` and `every`');
  const zone = zoneProblem(schedule.timezone);
  if (zone) return fail(zone);
  if (schedule.every !== undefined) {
    if (!(schedule.every >= 1)) return fail('`every` must be at least 1ms');
    return { ...base, everyMs: schedule.every, startMs, endMs };
  }
  let cron: Cron;
  try {
    cron = new Cron(schedule.cron!, cronOptions({ timezone: schedule.timezone }));
  } catch (error) {
    const why = error instanceof Error ? error.message.replace(/^Cron\w*: /, '') : String(error);
    return fail(`cron "${schedule.cron}": ${why}`);
  }
  if (new Cron(schedule.cron!, cronOptions({ utcOffset: 0 })).nextRun(new Date(0)) === null) {
    return fail(`cron "${schedule.cron}" never matches a date (e.g. 30 February)`);
  }
  return { ...base, cron, startMs, endMs };
}

function get(schedule: Schedule): Compiled {
  let c = compiled.get(schedule);
  if (!c) {
    const key = JSON.stringify(schedule);
    c = byContent.get(key);
    if (!c) {
      c = compile(schedule);
      if (byContent.size >= MAX_DISTINCT) byContent.delete(byContent.keys().next().value!);
      byContent.set(key, c);
    }
    compiled.set(schedule, c);
  }
  return c;
}

/** A message naming what is wrong with the schedule (cron syntax, time zone, bounds), or undefined. */
export function checkSchedule(schedule: Schedule): string | undefined {
  return get(schedule).problem;
}

// ── zone offsets per UTC day ──────────────────────────────────────────────────────────────────────

const formatters = new Map<string, Intl.DateTimeFormat>();
/** zone → UTC day number → offset in minutes when constant from 3 h before to 3 h after that day, else null. */
const stableDays = new Map<string, Map<number, number | null>>();

function offsetMs(timezone: string, at: number): number {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timezone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - (at - (((at % 1000) + 1000) % 1000));
}

function stableOffset(timezone: string, day: number): number | null {
  let days = stableDays.get(timezone);
  if (!days) stableDays.set(timezone, (days = new Map()));
  let offset = days.get(day);
  if (offset !== undefined) return offset;
  const from = day * DAY - MARGIN;
  const first = offsetMs(timezone, from);
  offset = first % 60_000 === 0 ? first / 60_000 : null;
  for (let t = from + SAMPLE; offset !== null && t <= from + DAY + 2 * MARGIN; t += SAMPLE) {
    if (offsetMs(timezone, t) !== first) offset = null;
  }
  if (days.size > 4096) days.clear();
  days.set(day, offset);
  return offset;
}

/** The next cron fire strictly after `afterMs`, or null when the pattern has no later date. */
function nextCron(c: Compiled, afterMs: number): number | null {
  const cron = c.cron!;
  const firstDay = Math.floor(afterMs / DAY);
  const offset = stableOffset(c.timezone, firstDay);
  if (offset !== null && Math.abs(offset) <= 870) {
    let fast = c.byOffset.get(offset);
    if (!fast) c.byOffset.set(offset, (fast = new Cron(cron.getPattern()!, cronOptions({ utcOffset: offset }))));
    const next = fast.nextRun(new Date(afterMs))?.getTime();
    if (next === undefined) return null;
    let stable = next - afterMs <= FAST_SPAN;
    for (let day = firstDay + 1; stable && day <= Math.floor(next / DAY); day++) stable = stableOffset(c.timezone, day) === offset;
    if (stable) return next;
  }
  return cron.nextRun(new Date(afterMs))?.getTime() ?? null;
}

/**
 * The first fire strictly after `afterMs` (ms since the epoch), or undefined when there is none
 * (past `end`, or a cron with no later date). `start` and `end` are inclusive. Throws on a schedule
 * that `checkSchedule` rejects. The parsed cron is cached per schedule object.
 */
export function nextFireAfter(schedule: Schedule, afterMs: number): number | undefined {
  const c = get(schedule);
  if (c.problem !== undefined) throw new Error(`invalid schedule: ${c.problem}`);
  let next: number | null;
  if (c.everyMs !== undefined) {
    const anchor = c.startMs ?? 0;
    next = afterMs < anchor ? anchor : anchor + (Math.floor((afterMs - anchor) / c.everyMs) + 1) * c.everyMs;
  } else {
    // Croner drops milliseconds of the reference; `start - 1` keeps a fire exactly at `start`.
    const from = c.startMs !== undefined && afterMs < c.startMs ? c.startMs - 1 : afterMs;
    next = nextCron(c, from);
    while (next !== null && c.startMs !== undefined && next < c.startMs) next = nextCron(c, next);
  }
  if (next === null || (c.endMs !== undefined && next > c.endMs)) return undefined;
  return next;
}

/** The next `n` fires after `afterMs` (fewer when the schedule ends): the `sluice jobs next` preview. */
export function nextFireTimes(schedule: Schedule, afterMs: number, n: number): number[] {
  const times: number[] = [];
  for (let at = nextFireAfter(schedule, afterMs); at !== undefined && times.length < n; at = nextFireAfter(schedule, at)) times.push(at);
  return times;
}
