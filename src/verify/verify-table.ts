import type { KeyRange, RangeDigest, SqlColumn, SqlEngine, SqlRow, TableInfo, TableRef } from '../connectors/sql/sql-engine.ts';
import { errorMessage, sluiceError, SluiceError } from '../core/errors.ts';
import { rowObject } from '../sync/row-json.ts';
import { Throttle } from '../sync/throttle.ts';
import { canonicalValue, floatDigitsFor, type Canonical } from './canonical.ts';
import type { VerifyTask } from './spec.ts';
import type { VerifyLedger, VerifyProgress } from './verify-ledger.ts';
import type { TargetVerdict, VerifyReport } from './verify-report.ts';

export interface VerifyTarget {
  readonly engine: SqlEngine;
  readonly ref: TableRef;
  /** Source column → target column. */
  readonly columns: Readonly<Record<string, string>>;
}

interface PreparedTarget extends VerifyTarget {
  readonly index: number;
  readonly report: (kind: 'missing' | 'extra' | 'differs', key: SqlRow) => void;
  readonly names: readonly string[];
  readonly key: readonly string[];
  readonly verdict: TargetVerdict;
  readonly canon: (row: SqlRow) => Canonical[];
}

const label = (ref: TableRef) => (ref.schema ? `${ref.schema}.${ref.name}` : ref.name);

function columnInfo(info: TableInfo, name: string): SqlColumn | undefined {
  return info.columns.find((c) => c.name === name);
}

/**
 * Compares a source table with each target, key range by key range: the source rows of a range
 * are looked up on each target by key equality (so the engines' collations never need to agree on
 * an order), values are compared in canonical form (canonical.ts), and afterwards each target's
 * keys are walked in its own order to find the rows the source does not have.
 */
export interface VerifyOptions {
  /** Every difference with its raw key (source key values; target key values for `extra`), e.g. to repair. */
  readonly onDifference?: (target: number, kind: 'missing' | 'extra' | 'differs', key: SqlRow) => void;
  /** Compare only keys after this one, on both sides (cupid's `--start-id`). */
  readonly startAfter?: SqlRow;
  /** Saves progress after every range and resumes an unfinished run of the task. */
  readonly ledger?: VerifyLedger;
  /** With `ledger`: start over even if an unfinished run could be resumed. */
  readonly restart?: boolean;
}

export async function verifyTable(task: VerifyTask, source: SqlEngine, sourceRef: TableRef, targets: readonly VerifyTarget[], signal: AbortSignal, options: VerifyOptions = {}): Promise<VerifyReport> {
  const started = Date.now();
  const report: VerifyReport = { task: task.name, status: 'equal', source: source.label, table: label(sourceRef), rowsInSource: 0, chunks: 0, seconds: 0, targets: [] };
  try {
    const info = await source.describe(sourceRef);
    if (!info) throw sluiceError('SLUICE_7101', `verify "${task.name}": source table ${label(sourceRef)} does not exist on ${source.label}`);
    const key = task.key ?? info.primaryKey;
    if (key.length === 0) throw sluiceError('SLUICE_7101', `verify "${task.name}": ${label(sourceRef)} has no primary key; give \`key: [...]\``);
    const known = new Set(info.columns.map((c) => c.name));
    const unknown = [...key, ...task.columns.include, ...task.columns.ignore].filter((c) => !known.has(c));
    if (unknown.length > 0) throw sluiceError('SLUICE_7101', `verify "${task.name}": ${unknown.map((c) => `"${c}"`).join(', ')} not a column of ${label(sourceRef)}`);
    const names = comparedColumns(info, task, key);
    const keyIndex = key.map((k) => names.indexOf(k));
    const prepared: PreparedTarget[] = [];
    for (const t of targets) {
      const tinfo = await t.engine.describe(t.ref);
      if (!tinfo) throw sluiceError('SLUICE_7101', `verify "${task.name}": target table ${label(t.ref)} does not exist on ${t.engine.label}`);
      const tnames = names.map((c) => t.columns[c] ?? c);
      const missingColumns = tnames.filter((c) => !columnInfo(tinfo, c));
      if (missingColumns.length > 0) throw sluiceError('SLUICE_7101', `verify "${task.name}": target ${label(t.ref)} has no column ${missingColumns.map((c) => `"${c}"`).join(', ')}`);
      const verdict: TargetVerdict = { target: t.engine.label, table: label(t.ref), rowsCompared: 0, missing: 0, extra: 0, differing: 0, differences: [] };
      report.targets.push(verdict);
      const index = prepared.length;
      prepared.push({ ...t, index, report: (kind, k) => options.onDifference?.(index, kind, k), names: tnames, key: key.map((k) => t.columns[k] ?? k), verdict, canon: canonicalizer(tinfo, tnames, task.floatDigits) });
    }
    const sourceCanon = canonicalizer(info, names, task.floatDigits);
    // Same engine on both sides: compare digests computed inside the databases, rows only where they differ.
    const pushdown = (t: PreparedTarget) => task.pushdown && t.engine.kind === source.kind && source.digest !== undefined && t.engine.digest !== undefined;
    const where = { where: task.where };

    /** Compares the source rows of `range` with each target by key; with `extras`, also the target keys of the range. */
    const compareRows = async (on: readonly PreparedTarget[], range: KeyRange, extras: boolean): Promise<number> => {
      const rows = await source.readRange(sourceRef, names, key, range, where);
      const keys = rows.map((r) => keyIndex.map((i) => r[i]!));
      await Promise.all(on.map(async (t) => {
        const found = await t.engine.rowsForKeys(t.ref, t.names, t.key, keys);
        rows.forEach((row, i) => {
          t.verdict.rowsCompared++;
          const other = found[i];
          if (!other) {
            t.report('missing', keys[i]!);
            return note(task, t.verdict, { kind: 'missing', key: rowObject(key, keys[i]!) });
          }
          const a = sourceCanon(row);
          const b = t.canon(other);
          const columns = names.flatMap((c, j) => (a[j] === b[j] ? [] : [{ column: c, source: a[j]!, target: b[j]! }]));
          if (columns.length > 0) {
            t.report('differs', keys[i]!);
            note(task, t.verdict, { kind: 'differs', key: rowObject(key, keys[i]!), columns });
          }
        });
        if (extras) await findExtras(task, source, sourceRef, key, t, signal, range);
      }));
      return rows.length;
    };

    /** A range whose digests differ is halved (by source rows) until it is small, then compared row by row. */
    const narrow = async (t: PreparedTarget, range: KeyRange, sourceRows: number): Promise<void> => {
      const mid = sourceRows > task.narrowRows ? await source.boundary(sourceRef, key, range.after, Math.ceil(sourceRows / 2), where) : undefined;
      if (!mid) {
        await compareRows([t], range, true);
        return;
      }
      for (const half of [{ ...(range.after ? { after: range.after } : {}), upTo: mid }, { after: mid, ...(range.upTo ? { upTo: range.upTo } : {}) }]) {
        const [a, b] = await Promise.all([source.digest!(sourceRef, names, key, half, where), t.engine.digest!(t.ref, t.names, t.key, half)]);
        if (a.count === b.count && a.sum === b.sum) t.verdict.rowsCompared += a.count;
        else await narrow(t, half, a.count);
      }
    };

    const direct = prepared.filter((t) => !pushdown(t));
    const digested = prepared.filter(pushdown);
    const throttle = new Throttle({ ...task.throttle, readBatch: task.chunkRows });
    const ledger = options.ledger;
    const resumed = await ledger?.begin(options.restart ?? false);
    if (resumed) restore(report, resumed);
    let lo: SqlRow | undefined = resumed ? resumed.lo : options.startAfter;
    let extrasDone = resumed?.extrasDone ?? 0;
    const progress = (rangesDone: boolean): VerifyProgress => ({ lo, rowsInSource: report.rowsInSource, chunks: report.chunks, extrasDone, rangesDone, targets: report.targets });
    for (;;) {
      if (resumed?.rangesDone) break;
      if (signal.aborted) throw sluiceError('SLUICE_7101', 'verify stopped before it finished');
      const chunkStarted = Date.now();
      const hi = await source.boundary(sourceRef, key, lo, throttle.chunkRows, where);
      const range: KeyRange = { ...(lo ? { after: lo } : {}), ...(hi ? { upTo: hi } : {}) };
      const sourceDigest = digested.length > 0 ? source.digest!(sourceRef, names, key, range, where) : undefined;
      const [rowsRead] = await Promise.all([
        direct.length > 0 ? compareRows(direct, range, false) : Promise.resolve(undefined),
        ...digested.map(async (t) => {
          const [a, b] = await Promise.all([sourceDigest!, t.engine.digest!(t.ref, t.names, t.key, range)]);
          if (a.count === b.count && a.sum === b.sum) t.verdict.rowsCompared += a.count;
          else await narrow(t, range, a.count);
        }),
      ]);
      const inRange = rowsRead ?? (await sourceDigest!).count;
      report.rowsInSource += inRange;
      if (inRange > 0) report.chunks++;
      throttle.observe(inRange, Date.now() - chunkStarted);
      if (hi) lo = hi;
      await ledger?.save(progress(!hi));
      await throttle.admit(inRange, signal);
      if (!hi) break;
    }
    // Without digests, target rows the source does not have are found by walking the target's keys.
    for (const t of direct.slice(extrasDone)) {
      await findExtras(task, source, sourceRef, key, t, signal, options.startAfter ? { after: options.startAfter } : {});
      if (signal.aborted) throw sluiceError('SLUICE_7101', 'verify stopped before it finished');
      extrasDone++;
      await ledger?.save(progress(true));
    }
    await ledger?.finish();
    const different = report.targets.some((t) => t.missing + t.extra + t.differing > 0);
    report.status = different ? 'different' : 'equal';
  } catch (err) {
    report.status = 'error';
    report.error = { ...(err instanceof SluiceError ? { code: err.code } : {}), message: errorMessage(err) };
  }
  report.seconds = +((Date.now() - started) / 1000).toFixed(3);
  return report;
}

/** Puts the counts and differences of an interrupted run back into the new report. */
function restore(report: VerifyReport, from: VerifyProgress): void {
  report.rowsInSource = from.rowsInSource;
  report.chunks = from.chunks;
  report.resumed = true;
  from.targets.forEach((saved, i) => {
    const t = report.targets[i];
    if (!t) return;
    t.rowsCompared = saved.rowsCompared;
    t.missing = saved.missing;
    t.extra = saved.extra;
    t.differing = saved.differing;
    t.differences.push(...saved.differences);
  });
}

/** The source columns a task compares (key columns always), in table order. */
export function comparedColumns(info: TableInfo, task: VerifyTask, key: readonly string[]): string[] {
  return info.columns.map((c) => c.name)
    .filter((c) => key.includes(c) || ((task.columns.include.length === 0 || task.columns.include.includes(c)) && !task.columns.ignore.includes(c)));
}

function note(task: VerifyTask, verdict: TargetVerdict, d: TargetVerdict['differences'][number]): void {
  if (d.kind === 'missing') verdict.missing++;
  else if (d.kind === 'extra') verdict.extra++;
  else verdict.differing++;
  if (verdict.differences.length < task.maxReported) verdict.differences.push(d);
}

export function canonicalizer(info: TableInfo, names: readonly string[], floatDigits: number): (row: SqlRow) => Canonical[] {
  const cols = names.map((n) => columnInfo(info, n));
  const digits = cols.map((c) => ({ floatDigits: floatDigitsFor(c, floatDigits) }));
  return (row) => row.map((v, i) => canonicalValue(v, cols[i]?.family ?? 'other', digits[i]!));
}

/** Target rows whose key the source does not have (walked in the target's own key order). */
async function findExtras(task: VerifyTask, source: SqlEngine, sourceRef: TableRef, key: readonly string[], t: PreparedTarget, signal: AbortSignal, within: KeyRange = {}): Promise<void> {
  let after: SqlRow | undefined = within.after;
  for (;;) {
    if (signal.aborted) return;
    const keys = await t.engine.readRange(t.ref, t.key, t.key, { ...(after ? { after } : {}), ...(within.upTo ? { upTo: within.upTo } : {}) }, { limit: task.chunkRows });
    if (keys.length === 0) return;
    const present = await source.keysPresent(sourceRef, key, keys, { where: task.where });
    keys.forEach((k, i) => {
      if (!present[i]) {
        t.report('extra', k);
        note(task, t.verdict, { kind: 'extra', key: rowObject(key, k) });
      }
    });
    if (keys.length < task.chunkRows) return;
    after = keys.at(-1);
  }
}
