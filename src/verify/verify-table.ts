import type { KeyRange, SqlColumn, SqlEngine, SqlRow, TableInfo, TableRef } from '../connectors/sql/sql-engine.ts';
import { errorMessage, sluiceError, SluiceError } from '../core/errors.ts';
import { Throttle } from '../sync/throttle.ts';
import { canonicalValue, floatDigitsFor, type Canonical } from './canonical.ts';
import type { VerifyTask } from './spec.ts';
import { compareDigests, compareRows, Findings, findExtras, type ComparedTarget, type SourceSide } from './range-compare.ts';
import type { VerifyLedger, VerifyProgress } from './verify-ledger.ts';
import type { Difference, TargetVerdict, VerifyReport } from './verify-report.ts';

export interface VerifyTarget {
  readonly engine: SqlEngine;
  readonly ref: TableRef;
  /** Source column → target column. */
  readonly columns: Readonly<Record<string, string>>;
}

interface PreparedTarget extends VerifyTarget, ComparedTarget {
  readonly verdict: TargetVerdict;
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
      prepared.push({ ...t, index, names: tnames, key: key.map((k) => t.columns[k] ?? k), verdict, canon: canonicalizer(tinfo, tnames, task.floatDigits) });
    }
    const src: SourceSide = { task, engine: source, ref: sourceRef, names, key, canon: canonicalizer(info, names, task.floatDigits), signal };
    // Same engine on both sides: compare digests computed inside the databases, rows only where they differ.
    const pushdown = (t: PreparedTarget) => task.pushdown && t.engine.kind === source.kind && source.digest !== undefined && t.engine.digest !== undefined;
    const direct = prepared.filter((t) => !pushdown(t));
    const digested = prepared.filter(pushdown);
    /** One key range against every target; findings are kept until the range is merged in key order. */
    const compareRange = async (range: KeyRange): Promise<{ rows: number; findings: Findings }> => {
      const findings = new Findings(prepared.length);
      const sourceDigest = digested.length > 0 ? source.digest!(sourceRef, names, key, range, { where: task.where }) : undefined;
      sourceDigest?.catch(() => undefined);
      const [rowsRead, ...counted] = await Promise.all([
        direct.length > 0 ? compareRows(src, direct, range, false, findings) : Promise.resolve(undefined),
        ...digested.map((t) => compareDigests(src, t, range, findings, sourceDigest)),
      ]);
      return { rows: rowsRead ?? counted[0] ?? 0, findings };
    };
    const noteOne = (index: number, rawKey: SqlRow, difference: Difference) => {
      note(task, prepared[index]!.verdict, difference);
      options.onDifference?.(index, difference.kind, rawKey);
    };
    const merge = (findings: Findings) => prepared.forEach((t) => {
      t.verdict.rowsCompared += findings.rowsCompared[t.index]!;
      for (const f of findings.found[t.index]!) noteOne(t.index, f.rawKey, f.difference);
    });

    const throttle = new Throttle({ ...task.throttle, readBatch: task.chunkRows });
    const ledger = options.ledger;
    const resumed = await ledger?.begin(options.restart ?? false);
    if (resumed) restore(report, resumed);
    /** `lo`: where the next range starts; `done`: the end of the last range merged into the report. */
    let lo: SqlRow | undefined = resumed ? resumed.lo : options.startAfter;
    let done = lo;
    let extrasDone = resumed?.extrasDone ?? 0;
    let exhausted = resumed?.rangesDone ?? false;
    const progress = (rangesDone: boolean): VerifyProgress => ({ lo: done, rowsInSource: report.rowsInSource, chunks: report.chunks, extrasDone, rangesDone, targets: report.targets });
    // Several ranges are compared at once (their queries keep the database cores busy while one
    // side waits), and merged strictly in key order, so the report and the ledger are the same as
    // one range at a time.
    const inFlight: { hi: SqlRow | undefined; started: number; result: Promise<{ rows: number; findings: Findings }> }[] = [];
    for (;;) {
      while (!exhausted && inFlight.length < task.parallelRanges) {
        if (signal.aborted) throw sluiceError('SLUICE_7101', 'verify stopped before it finished');
        const hi = await source.boundary(sourceRef, key, lo, throttle.chunkRows, { where: task.where });
        const result = compareRange({ ...(lo ? { after: lo } : {}), ...(hi ? { upTo: hi } : {}) });
        result.catch(() => undefined);
        inFlight.push({ hi, started: Date.now(), result });
        if (hi) lo = hi;
        else exhausted = true;
      }
      const head = inFlight.shift();
      if (!head) break;
      const { rows, findings } = await head.result;
      merge(findings);
      report.rowsInSource += rows;
      if (rows > 0) report.chunks++;
      if (head.hi) done = head.hi;
      await ledger?.save(progress(!head.hi));
      throttle.observe(rows, Date.now() - head.started);
      await throttle.admit(rows, signal);
    }
    // Without digests, target rows the source does not have are found by walking the target's keys.
    const walk = new Findings(prepared.length, noteOne);
    for (const t of direct.slice(extrasDone)) {
      await findExtras(src, t, options.startAfter ? { after: options.startAfter } : {}, walk);
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
