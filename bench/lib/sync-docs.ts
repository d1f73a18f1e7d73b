import { readFile, writeFile } from 'node:fs/promises';
import type { SyncChildResult } from './sync-child.ts';

/** The children report RSS in MiB; the target and the result line are in MB (10^6 bytes). */
export const mebibytesToMegabytes = (mib: number) => Math.round(mib * 1.048576);

export interface SyncDocsEntry {
  readonly machine: string;
  readonly date: string;
  readonly rows: number;
  readonly runs: number;
  readonly pairs: readonly { pair: string; n: number; m: number; rss: number; line: string; runs: { sluice: SyncChildResult[]; ceiling: number[] } }[];
}

const MARKER = '<!-- sync:runs (newest first; bench/sync.ts inserts results below this line) -->';
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Inserts a run of `npm run bench -- sync` into docs/benchmarks.md (section created if missing). */
export async function writeSyncDocs(file: string, e: SyncDocsEntry): Promise<void> {
  let text = await readFile(file, 'utf8');
  if (!text.includes(MARKER)) {
    text = `${text.trimEnd()}\n\n## sync\n\n\`npm run bench -- sync\` (\`bench/sync.ts\`): ${fmt(e.rows)} rows of a 10-column table (BIGINT PK, INT, DECIMAL(12,2), DOUBLE, VARCHAR(64), VARCHAR(16), TEXT, DATETIME(3), INT, CHAR(8)) copied by Sluice with default settings (upsert, 4 workers, 5,000-row chunks; 500-row INSERT statements into MariaDB, one COPY per chunk into PostgreSQL) from MariaDB to MariaDB and to PostgreSQL, against each target's own bulk load of the same rows in the same run: multi-row INSERTs from \`mariadb-dump\` through the \`mariadb\` client, and \`COPY\` through \`psql \\copy\`. Source and targets are scratch databases on the machine's MariaDB and PostgreSQL. Target (issue): ratio ≥ 0.7 and peak RSS < 256 MB.\n\n${MARKER}\n`;
  }
  const rows = e.pairs.flatMap((p) => p.runs.sluice.map((s, i) =>
    `| ${p.pair} #${i + 1} | ${fmt(s.rowsPerSec)} | ${fmt(p.runs.ceiling[i]!)} | ${(s.rowsPerSec / p.runs.ceiling[i]!).toFixed(2)} | ${s.maxRssMiB} | ${s.cpuCores} | ${s.chunks} |`));
  const entry = [
    `### ${e.date.slice(0, 10)}: ${fmt(e.rows)} rows, median of ${e.runs} runs`,
    '',
    `- Machine: ${e.machine}.`,
    '',
    '| run | Sluice rows/s | ceiling rows/s | ratio | Sluice peak RSS MiB | Sluice CPU (cores) | chunks |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...e.pairs.map((p) => `- **${p.pair}**: ${fmt(p.n)} rows/s against ${fmt(p.m)} (ratio ${(p.n / p.m).toFixed(2)}, target ≥ 0.7: ${p.n / p.m >= 0.7 ? 'met' : '**not met**'}); peak RSS ${p.rss} MiB = ${mebibytesToMegabytes(p.rss)} MB (target < 256 MB: ${mebibytesToMegabytes(p.rss) < 256 ? 'met' : '**not met**'}).`),
    '',
  ].join('\n');
  const at = text.indexOf(MARKER) + MARKER.length;
  await writeFile(file, `${text.slice(0, at)}\n\n${entry}${text.slice(at)}`);
}
