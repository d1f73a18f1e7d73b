import { createHash } from 'node:crypto';
import type { SqlEngine, SqlRow, TableInfo, TableRef } from '../connectors/sql/sql-engine.ts';
import { sluiceError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { sleep } from '../pipeline/retry.ts';
import type { MetadataStore } from '../store/metadata-store.ts';
import { cursorStart } from '../sync/cursor-overlap.ts';
import { rowObject } from '../sync/row-json.ts';
import { Alerter } from '../notify/alert.ts';
import { deliverDue } from './callback-sender.ts';
import { Outbox } from './outbox.ts';
import type { VerifyMetrics } from './verify-metrics.ts';
import type { VerifyTask } from './spec.ts';
import { canonicalizer, comparedColumns, type VerifyTarget } from './verify-table.ts';
import { WatchState } from './watch-state.ts';

interface Side {
  readonly target: VerifyTarget;
  readonly names: readonly string[];
  readonly key: readonly string[];
  readonly canon: (row: SqlRow) => (string | null)[];
}

export interface WatchStats {
  checked: number;
  held: number;
  reported: { missing: number; differs: number };
}

/**
 * Continuous compensation (cupid-go's job, without its gaps): each pass checks the source rows with
 * a key past the new-rows cursor and the rows whose `(updateColumn, key)` is past the update cursor
 * (minus the overlap; bounded by the source database's clock for TIMESTAMP columns). A row that does
 * not match a target is held and checked again after `grace`; if it still does not match, a callback
 * goes into the durable outbox, which delivers it with retries. Cursors move only after the rows they
 * pass are either equal or held in the store.
 */
export class Watcher {
  readonly stats: WatchStats = { checked: 0, held: 0, reported: { missing: 0, differs: 0 } };
  private readonly task: VerifyTask;
  private readonly source: SqlEngine;
  private readonly sourceRef: TableRef;
  private readonly targets: readonly VerifyTarget[];
  private readonly state: WatchState;
  private readonly outbox: Outbox;
  private readonly logger: Logger;
  private readonly alerter: Alerter | undefined;
  private sides: Side[] = [];
  private names: readonly string[] = [];
  private key: readonly string[] = [];
  private info!: TableInfo;
  private sourceCanon!: (row: SqlRow) => (string | null)[];

  private readonly metrics: VerifyMetrics | undefined;
  /** Where a catch-up of changed rows stopped (pass budget spent); the next pass goes on from there. */
  private updatesAfter: { cursor: SqlRow[number]; key: SqlRow } | undefined;

  constructor(task: VerifyTask, source: SqlEngine, sourceRef: TableRef, targets: readonly VerifyTarget[], store: MetadataStore, logger: Logger, metrics?: VerifyMetrics) {
    if (!task.watch) throw sluiceError('SLUICE_7101', `verify "${task.name}" has no watch settings`);
    this.task = task;
    this.source = source;
    this.sourceRef = sourceRef;
    this.targets = targets;
    this.state = new WatchState(store, task.name);
    const c = task.watch.callback;
    this.outbox = new Outbox(store, { retryEvery: c.retryEvery, fastAttempts: c.fastAttempts, slowEvery: c.slowEvery, maxAge: c.maxAge });
    this.logger = logger;
    this.metrics = metrics;
    metrics?.watch(this.outbox);
    const a = task.watch.alerts;
    this.alerter = a ? new Alerter({ ...(a.url ? { url: a.url } : {}), ...(a.email ? { email: a.email } : {}), format: a.format, every: a.every }, logger) : undefined;
  }

  private get channel(): string {
    return `verify:${this.task.name}`;
  }

  async prepare(): Promise<void> {
    const info = await this.source.describe(this.sourceRef);
    if (!info) throw sluiceError('SLUICE_7101', `verify "${this.task.name}": source table ${this.sourceRef.name} does not exist`);
    this.info = info;
    this.key = this.task.key ?? info.primaryKey;
    this.names = comparedColumns(info, this.task, this.key);
    const update = this.task.watch!.updateColumn;
    if (update && !this.names.includes(update)) this.names = [...this.names, update];
    this.sourceCanon = canonicalizer(info, this.names, this.task.floatDigits);
    this.sides = await Promise.all(this.targets.map(async (t) => {
      const tinfo = await t.engine.describe(t.ref);
      if (!tinfo) throw sluiceError('SLUICE_7101', `verify "${this.task.name}": target table ${t.ref.name} does not exist`);
      const names = this.names.map((c) => t.columns[c] ?? c);
      return { target: t, names, key: this.key.map((k) => t.columns[k] ?? k), canon: canonicalizer(tinfo, names, this.task.floatDigits) };
    }));
  }

  /** Runs passes every `interval` until `signal` aborts; a pass that did not catch up is followed at once. */
  async run(signal: AbortSignal): Promise<void> {
    await this.prepare();
    while (!signal.aborted) {
      let caughtUp = true;
      try {
        caughtUp = await this.pass(Date.now(), signal);
      } catch (err) {
        this.logger.warn({ task: this.task.name, err: (err as Error).message }, 'watch pass failed; trying again next interval');
      }
      if (caughtUp) await sleep(this.task.watch!.interval, signal).catch(() => undefined);
    }
  }

  /**
   * One pass: new rows, changed rows (page by page, each page's cursor saved), due re-checks, then
   * callback delivery. False when it stopped at `maxRowsPerPass` with more rows waiting.
   */
  async pass(now: number, signal?: AbortSignal): Promise<boolean> {
    const w = this.task.watch!;
    const before = { checked: this.stats.checked, held: this.stats.held };
    const cursors = await this.state.cursors();
    const keyIndex = this.key.map((k) => this.names.indexOf(k));
    const keyOf = (row: SqlRow) => keyIndex.map((i) => row[i]!);
    /** Reads pages until one is short (true: caught up), the pass budget is spent or `signal` aborts. */
    const pages = async (read: (limit: number) => Promise<readonly SqlRow[]>, save: (last: SqlRow) => Promise<void>): Promise<boolean> => {
      for (let budget = w.maxRowsPerPass; ;) {
        const limit = Math.min(w.pageRows, budget);
        const rows = await read(limit);
        if (rows.length > 0) {
          await this.check(rows, now);
          await save(rows.at(-1)!);
        }
        budget -= rows.length;
        if (rows.length < limit) return true;
        if (budget <= 0 || signal?.aborted) return false;
      }
    };
    let caughtUp = true;
    if (w.newRows) {
      let after = cursors.newRows;
      caughtUp = await pages((limit) => this.source.readRange(this.sourceRef, this.names, this.key, after ? { after } : {}, { limit, where: this.task.where }), async (last) => {
        after = keyOf(last);
        await this.state.save('new', after);
      });
    }
    if (w.updateColumn) {
      const at = this.names.indexOf(w.updateColumn);
      const family = this.info.columns.find((c) => c.name === w.updateColumn)?.family;
      const upTo = family === 'timestamp' ? await this.source.now() : null;
      // A fresh pass starts `overlap` before the cursor (rows committed late with an older time);
      // a pass that goes on with a catch-up starts right after the last row checked, or it could
      // read the same window for ever.
      const from = this.updatesAfter ? this.updatesAfter.cursor : cursors.updates ? cursorStart(cursors.updates.value, w.overlap) : null;
      let after = this.updatesAfter;
      const done = await pages((limit) => this.source.readByCursor(this.sourceRef, this.names, w.updateColumn!, this.key, { from, ...(after ? { after } : {}) }, upTo, limit, { where: this.task.where }), async (last) => {
        after = { cursor: last[at]!, key: keyOf(last) };
        await this.state.save('update', [last[at]!, ...keyOf(last)]);
      });
      this.updatesAfter = done ? undefined : after;
      caughtUp &&= done;
    }
    await this.recheck(now);
    const round = await deliverDue(this.outbox, this.channel, { url: w.callback.url, timeoutMs: w.callback.timeout, ...(w.callback.signing ? { signing: w.callback.signing } : {}) }, now, (seconds, ok) => {
      this.metrics?.callbackSeconds.observe({ task: this.task.name }, seconds);
      if (!ok) this.metrics?.callbackFailures.inc({ task: this.task.name });
    });
    await this.alert(now, this.stats.checked - before.checked, this.stats.held - before.held, round.escalated, round.lastError);
    return caughtUp;
  }

  private async alert(now: number, checked: number, held: number, escalated: number, lastError: string | undefined): Promise<void> {
    const a = this.task.watch!.alerts;
    if (!this.alerter || !a) return;
    const task = this.task.name;
    if (escalated > 0) {
      await this.alerter.raise({
        kind: 'callbacks-failing', task, title: `sluice verify ${task}: callbacks keep failing`,
        text: `${escalated} callback(s) to ${this.task.watch!.callback.url} moved to the slow queue or died; last error: ${lastError ?? 'unknown'}`,
        details: { escalated, lastError, url: this.task.watch!.callback.url },
      }, now);
    }
    if (checked > 0 && held / checked > a.mismatchRate) {
      await this.alerter.raise({
        kind: 'mismatch-rate', task, title: `sluice verify ${task}: ${held} of ${checked} rows do not match`,
        text: `${(100 * held / checked).toFixed(1)}% of the rows checked in one pass differ from a target (threshold ${(100 * a.mismatchRate).toFixed(1)}%).`,
        details: { checked, mismatched: held },
      }, now);
    }
  }

  /** Compares rows with every target; the ones that differ are held for a re-check after `grace`. */
  private async check(rows: readonly SqlRow[], now: number): Promise<void> {
    const keyIndex = this.key.map((k) => this.names.indexOf(k));
    const keys = rows.map((r) => keyIndex.map((i) => r[i]!));
    this.stats.checked += rows.length;
    this.metrics?.rowsChecked.inc({ task: this.task.name }, rows.length);
    await Promise.all(this.sides.map(async (side, t) => {
      const found = await side.target.engine.rowsForKeys(side.target.ref, side.names, side.key, keys);
      const held = keys.filter((_, i) => mismatch(this.sourceCanon(rows[i]!), found[i] && side.canon(found[i]!)) !== undefined);
      this.stats.held += held.length;
      await this.state.hold(t, held, now + this.task.watch!.grace);
    }));
  }

  /** Held rows whose grace is over: compared again; still different → a callback in the outbox. */
  private async recheck(now: number): Promise<void> {
    const due = await this.state.due(now);
    if (due.length === 0) return;
    for (const item of due) {
      const side = this.sides[item.target];
      if (!side) {
        await this.state.release(item.target, item.json);
        continue;
      }
      const [row] = await this.source.rowsForKeys(this.sourceRef, this.names, this.key, [item.key]);
      const [other] = await side.target.engine.rowsForKeys(side.target.ref, side.names, side.key, [item.key]);
      const a = row && this.sourceCanon(row);
      const kind = row ? mismatch(a!, other && side.canon(other)) : undefined;
      if (row && kind) {
        const payload = this.payload(kind, item.key, row, a!, other && side.canon(other));
        const digest = createHash('sha256').update(JSON.stringify(a)).digest('hex').slice(0, 16);
        if (await this.outbox.enqueue(this.channel, `${this.task.name}:${item.target}:${item.json}:${kind}:${digest}`, payload, now)) {
          this.stats.reported[kind]++;
          this.metrics?.mismatches.inc({ task: this.task.name, kind });
        }
      }
      await this.state.release(item.target, item.json);
    }
  }

  private payload(kind: 'missing' | 'differs', key: SqlRow, row: SqlRow, a: (string | null)[], b: (string | null)[] | undefined): unknown {
    const cb = this.task.watch!.callback;
    if (cb.format === 'cupid') {
      // cupid-go: type 1 = missing insert, 2 = differing update; every value a string or null.
      return { type: kind === 'missing' ? 1 : 2, srcColumn: Object.fromEntries(this.names.map((n, i) => [n, row[i] === null ? null : String(row[i] instanceof Uint8Array ? Buffer.from(row[i] as Uint8Array).toString('base64') : row[i])])) };
    }
    const columns = b ? this.names.flatMap((n, i) => (a[i] === b[i] ? [] : [{ column: n, source: a[i], target: b[i] }])) : undefined;
    return { task: this.task.name, kind, key: rowObject(this.key, key), row: rowObject(this.names, row), ...(columns ? { columns } : {}) };
  }
}

function mismatch(a: (string | null)[], b: (string | null)[] | undefined): 'missing' | 'differs' | undefined {
  if (!b) return 'missing';
  return a.some((v, i) => v !== b[i]) ? 'differs' : undefined;
}
