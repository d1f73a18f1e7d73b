import type { TriggerKind } from './fire-types.ts';
import type { NextFireAfter } from './job-store.ts';
import type { Job } from './spec.ts';

export interface PlannedSlot { readonly at: number; readonly trigger: Extract<TriggerKind, 'schedule' | 'misfire'> }

export interface SlotPlan {
  readonly slots: PlannedSlot[];
  /** The job's next_fire_at after these slots (undefined: the schedule has ended). */
  readonly next: number | undefined;
  /** Missed slots inside the window that the misfire policy did not fire. */
  readonly skipped: number;
  /** Whether slots older than the window were passed over too. */
  readonly beyondWindow: boolean;
  /** The stored next fire was a misfire (the scheduler was away). */
  readonly misfired: boolean;
}

export interface PlanOptions {
  readonly now: number;
  /** Slots up to now + lookahead are claimed in this round. */
  readonly lookahead: number;
  /**
   * A slot late by at most this is still fired as scheduled: it covers a takeover (a dead node's
   * lease must expire first) and a busy store. Beyond it the slot was missed and `misfire` applies.
   */
  readonly tolerance: number;
  /** At most this many slots of one job per round (a job firing faster than the planner runs). */
  readonly maxPerRound?: number;
  /** `misfire.policy: all` fires at most this many missed slots (the newest ones). */
  readonly maxCatchUp?: number;
}

/**
 * The slots to fire for a job whose stored next fire is `stored`: only ever derived from that
 * stored value and the schedule, so every node and every restart computes the same slots.
 */
export function planSlots(schedule: NonNullable<Job['schedule']>, misfire: Job['misfire'], stored: number, nextFireAfter: NextFireAfter, o: PlanOptions): SlotPlan {
  const slots: PlannedSlot[] = [];
  let t: number | undefined = stored;
  let skipped = 0;
  let beyondWindow = false;
  const misfired = o.now - stored > o.tolerance;
  if (misfired) {
    const windowStart = o.now - misfire.window;
    if (stored < windowStart) {
      beyondWindow = true;
      t = nextFireAfter(schedule, windowStart - 1);
    }
    const missed: number[] = [];
    const cap = o.maxCatchUp ?? 1000;
    let guard = 0;
    while (t !== undefined && t < o.now && guard++ < 1_000_000) {
      missed.push(t);
      if (missed.length > cap) missed.shift();
      t = nextFireAfter(schedule, t);
    }
    const fire = misfire.policy === 'all' ? missed : misfire.policy === 'once' ? missed.slice(-1) : [];
    for (const at of fire) slots.push({ at, trigger: 'misfire' });
    skipped = Math.max(0, guard - fire.length);
  }
  const max = o.maxPerRound ?? 100;
  let n = 0;
  while (t !== undefined && t <= o.now + o.lookahead && n++ < max) {
    slots.push({ at: t, trigger: 'schedule' });
    t = nextFireAfter(schedule, t);
  }
  return { slots, next: t, skipped, beyondWindow, misfired };
}
