import type { KeyRange, SqlEngine, SqlRow, TableRef } from '../connectors/sql/sql-engine.ts';
import { rowObject } from '../sync/row-json.ts';
import type { Canonical } from './canonical.ts';
import type { VerifyTask } from './spec.ts';
import type { Difference } from './verify-report.ts';

/** A target prepared for comparison: its engine and table, its column names and canonical form. */
export interface ComparedTarget {
  readonly index: number;
  readonly engine: SqlEngine;
  readonly ref: TableRef;
  readonly names: readonly string[];
  readonly key: readonly string[];
  readonly canon: (row: SqlRow) => Canonical[];
}

/** What the comparison of some key range found, per target; merged into the report in key order. */
export class Findings {
  readonly rowsCompared: number[];
  readonly found: { readonly kind: Difference['kind']; readonly rawKey: SqlRow; readonly difference: Difference }[][];

  private readonly direct: ((target: number, rawKey: SqlRow, difference: Difference) => void) | undefined;

  /** With `direct`, differences go straight there instead of being kept (a long walk in order). */
  constructor(targets: number, direct?: (target: number, rawKey: SqlRow, difference: Difference) => void) {
    this.rowsCompared = Array(targets).fill(0);
    this.found = Array.from({ length: targets }, () => []);
    this.direct = direct;
  }

  add(target: number, rawKey: SqlRow, difference: Difference): void {
    if (this.direct) this.direct(target, rawKey, difference);
    else this.found[target]!.push({ kind: difference.kind, rawKey, difference });
  }
}

/** Everything range comparisons need about the source side. */
export interface SourceSide {
  readonly task: VerifyTask;
  readonly engine: SqlEngine;
  readonly ref: TableRef;
  readonly names: readonly string[];
  readonly key: readonly string[];
  readonly canon: (row: SqlRow) => Canonical[];
  readonly signal: AbortSignal;
}

/** Compares the source rows of `range` with each target by key; with `extras`, also the target keys of the range. */
export async function compareRows(src: SourceSide, on: readonly ComparedTarget[], range: KeyRange, extras: boolean, out: Findings): Promise<number> {
  const keyIndex = src.key.map((k) => src.names.indexOf(k));
  const rows = await src.engine.readRange(src.ref, src.names, src.key, range, { where: src.task.where });
  const keys = rows.map((r) => keyIndex.map((i) => r[i]!));
  await Promise.all(on.map(async (t) => {
    const found = await t.engine.rowsForKeys(t.ref, t.names, t.key, keys);
    out.rowsCompared[t.index]! += rows.length;
    rows.forEach((row, i) => {
      const other = found[i];
      if (!other) {
        out.add(t.index, keys[i]!, { kind: 'missing', key: rowObject(src.key, keys[i]!) });
        return;
      }
      const a = src.canon(row);
      const b = t.canon(other);
      const columns = src.names.flatMap((c, j) => (a[j] === b[j] ? [] : [{ column: c, source: a[j]!, target: b[j]! }]));
      if (columns.length > 0) out.add(t.index, keys[i]!, { kind: 'differs', key: rowObject(src.key, keys[i]!), columns });
    });
    if (extras) await findExtras(src, t, range, out);
  }));
  return rows.length;
}

/** Digests of `range` on both sides; a range whose digests differ is halved until small, then compared row by row. */
export async function compareDigests(src: SourceSide, t: ComparedTarget, range: KeyRange, out: Findings, sourceDigest = src.engine.digest!(src.ref, src.names, src.key, range, { where: src.task.where })): Promise<number> {
  const [a, b] = await Promise.all([sourceDigest, t.engine.digest!(t.ref, t.names, t.key, range)]);
  if (a.count === b.count && a.sum === b.sum) out.rowsCompared[t.index]! += a.count;
  else await narrow(src, t, range, a.count, out);
  return a.count;
}

async function narrow(src: SourceSide, t: ComparedTarget, range: KeyRange, sourceRows: number, out: Findings): Promise<void> {
  const mid = sourceRows > src.task.narrowRows ? await src.engine.boundary(src.ref, src.key, range.after, Math.ceil(sourceRows / 2), { where: src.task.where }) : undefined;
  if (!mid) {
    await compareRows(src, [t], range, true, out);
    return;
  }
  for (const half of [{ ...(range.after ? { after: range.after } : {}), upTo: mid }, { after: mid, ...(range.upTo ? { upTo: range.upTo } : {}) }]) {
    await compareDigests(src, t, half, out);
  }
}

/** Target rows whose key the source does not have (walked in the target's own key order). */
export async function findExtras(src: SourceSide, t: ComparedTarget, within: KeyRange, out: Findings): Promise<void> {
  const chunk = src.task.chunkRows;
  let after: SqlRow | undefined = within.after;
  for (;;) {
    if (src.signal.aborted) return;
    const keys = await t.engine.readRange(t.ref, t.key, t.key, { ...(after ? { after } : {}), ...(within.upTo ? { upTo: within.upTo } : {}) }, { limit: chunk });
    if (keys.length === 0) return;
    const present = await src.engine.keysPresent(src.ref, src.key, keys, { where: src.task.where });
    keys.forEach((k, i) => {
      if (!present[i]) out.add(t.index, k, { kind: 'extra', key: rowObject(src.key, k) });
    });
    if (keys.length < chunk) return;
    after = keys.at(-1);
  }
}
