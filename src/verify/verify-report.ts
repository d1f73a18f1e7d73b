/** One row that is not the same on a target. */
export interface Difference {
  /** missing: in the source, not in the target; extra: in the target only; differs: both, with other values. */
  readonly kind: 'missing' | 'extra' | 'differs';
  readonly key: Record<string, unknown>;
  /** For `differs`: each differing column with both canonical values (null = SQL NULL). */
  readonly columns?: readonly { column: string; source: string | null; target: string | null }[];
}

export interface TargetVerdict {
  readonly target: string;
  readonly table: string;
  rowsCompared: number;
  missing: number;
  extra: number;
  differing: number;
  /** The first `maxReported` differences. */
  readonly differences: Difference[];
}

export type VerifyStatus = 'equal' | 'different' | 'error';

/** The JSON report of `sluice verify`; the exit code is 0 equal, 1 different, 2 error. */
export interface VerifyReport {
  readonly task: string;
  status: VerifyStatus;
  readonly source: string;
  readonly table: string;
  rowsInSource: number;
  chunks: number;
  seconds: number;
  readonly targets: TargetVerdict[];
  error?: { code?: string; message: string };
  /** This run went on from the ledger of an interrupted one (counts include the earlier part). */
  resumed?: boolean;
  /** With --repair: the first comparison, and what was written to each target before this one. */
  before?: VerifyReport;
  repaired?: { table: string; upserted: number; deleted: number }[];
}

/** Human-readable summary lines (stderr), one per target plus the first differences. */
export function describeReport(report: VerifyReport, limit = 20): string {
  const lines = [`verify ${report.task}: ${report.status.toUpperCase()} — ${report.rowsInSource} source rows of ${report.table} in ${report.seconds}s`];
  if (report.error) lines.push(`  error: ${report.error.message}`);
  for (const t of report.targets) {
    lines.push(`  ${t.target} ${t.table}: ${t.missing} missing, ${t.extra} extra, ${t.differing} differing (of ${t.rowsCompared} compared)`);
    for (const d of t.differences.slice(0, limit)) {
      const cols = d.columns?.map((c) => `${c.column}: ${JSON.stringify(c.source)} ≠ ${JSON.stringify(c.target)}`).join('; ');
      lines.push(`    ${d.kind.padEnd(7)} ${JSON.stringify(d.key)}${cols ? `  ${cols}` : ''}`);
    }
    if (t.differences.length > limit) lines.push(`    … ${t.missing + t.extra + t.differing - limit} more (see the JSON report)`);
  }
  return lines.join('\n');
}
