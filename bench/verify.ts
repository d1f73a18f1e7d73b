/**
 * `npm run bench -- verify`: cupid-go's 5.2M-row table, verified against a copy (same MariaDB server,
 * another database) in which 100 differences were seeded: 40 changed rows, 30 missing, 30 extra.
 * Runs `sluice verify` as the CLI does (verifyTable over the connector engines, default settings:
 * digests inside the database per 10,000-row range, narrowed to 1,000-row ranges, rows compared there).
 * Environment: BENCH_ROWS (default 5200000), BENCH_DOCS=0|1 (default: 1 for the full size).
 * Last line: `verify rows=N seconds=S rows_per_s=R differences_found=D`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { sqlConnectionSchema, type SqlConnectionConfig } from '../src/connectors/sql/connection-spec.ts';
import { openEngine } from '../src/connectors/sql/open-engine.ts';
import { verifyTaskSchema } from '../src/verify/spec.ts';
import { verifyTable } from '../src/verify/verify-table.ts';
import { scratchMariaDb } from '../test/services/scratch-databases.ts';
import { describeMachine, machineLine } from './machine.ts';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const DDL = `CREATE TABLE users (Id BIGINT PRIMARY KEY, number VARCHAR(32) NOT NULL, name VARCHAR(64) NOT NULL, avatar VARCHAR(255) NULL,
  balance DECIMAL(14,2) NOT NULL, score DOUBLE NOT NULL, status TINYINT NOT NULL, update_time DATETIME NOT NULL, KEY (update_time))`;

export async function run(): Promise<void> {
  const rows = Number(process.env.BENCH_ROWS ?? 5_200_000);
  const writeDocs = process.env.BENCH_DOCS === undefined ? rows === 5_200_000 : process.env.BENCH_DOCS === '1';
  const [src, dst] = await Promise.all([scratchMariaDb('sluice_bench'), scratchMariaDb('sluice_bench')]);
  try {
    const [v] = await src.conn.query('SELECT VERSION() AS v') as unknown as [{ v: string }[]];
    const machine = await describeMachine({ mariadbVersion: v[0]!.v });
    console.log(`machine: ${machineLine(machine)}`);
    let t0 = performance.now();
    await src.conn.query(`${DDL}; INSERT INTO users SELECT seq, CONCAT('N', LPAD(seq, 10, '0')), CONCAT('user ', seq), IF(seq % 5 = 0, NULL, CONCAT('https://img.example/', seq, '.png')),
      (seq % 100000) / 100, seq / 3, seq % 3, TIMESTAMPADD(SECOND, seq, '2024-01-01') FROM seq_1_to_${rows}`);
    await dst.conn.query(`${DDL}; INSERT INTO users SELECT * FROM \`${src.database}\`.users`);
    // 100 differences, spread over the table: 40 changed (name, balance, avatar NULL vs value or empty), 30 missing, 30 extra.
    const step = Math.floor(rows / 101);
    const ids = Array.from({ length: 70 }, (_, i) => (i + 1) * step);
    await dst.conn.query(`UPDATE users SET name = CONCAT(name, '!') WHERE Id IN (${ids.slice(0, 15).join(',')});
      UPDATE users SET balance = balance + 0.01 WHERE Id IN (${ids.slice(15, 30).join(',')});
      UPDATE users SET avatar = IF(avatar IS NULL, '', NULL) WHERE Id IN (${ids.slice(30, 40).map((i) => i + 1).join(',')});
      DELETE FROM users WHERE Id IN (${ids.slice(40, 70).join(',')});
      INSERT INTO users SELECT Id + ${rows} * 2, number, name, avatar, balance, score, status, update_time FROM users WHERE Id <= 30`);
    console.log(`loaded ${fmt(rows)} rows and the copy with 100 seeded differences in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const engine = (c: Record<string, unknown>) => openEngine(sqlConnectionSchema.parse(c) as SqlConnectionConfig);
    const [source, target] = await Promise.all([engine(src.config), engine(dst.config)]);
    try {
      const task = verifyTaskSchema.parse({ name: 'bench', source: { connection: 'a', table: 'users' }, targets: [{ connection: 'b', table: 'users' }] });
      t0 = performance.now();
      const report = await verifyTable(task, source, { name: 'users' }, [{ engine: target, ref: { name: 'users' }, columns: {} }], new AbortController().signal);
      const seconds = (performance.now() - t0) / 1000;
      if (report.status === 'error') throw new Error(report.error?.message);
      const t = report.targets[0]!;
      const found = t.missing + t.extra + t.differing;
      console.log(`verify: ${report.status}, ${fmt(report.rowsInSource)} source rows in ${report.chunks} ranges; ${t.missing} missing, ${t.extra} extra, ${t.differing} differing`);
      if (t.missing !== 30 || t.extra !== 30 || t.differing !== 40) throw new Error(`expected 30 missing, 30 extra, 40 differing; found ${t.missing}/${t.extra}/${t.differing}`);
      const line = `verify rows=${report.rowsInSource} seconds=${seconds.toFixed(1)} rows_per_s=${Math.round(report.rowsInSource / seconds)} differences_found=${found}`;
      if (writeDocs) await writeVerifyDocs(machineLine(machine), machine.date, line, seconds, report.rowsInSource, report.chunks);
      console.log(line);
    } finally {
      await Promise.all([source.close(), target.close()]);
    }
  } finally {
    await Promise.all([src.drop(), dst.drop()]);
  }
}

const MARKER = '<!-- verify:runs (newest first; bench/verify.ts inserts results below this line) -->';

async function writeVerifyDocs(machine: string, date: string, line: string, seconds: number, rows: number, chunks: number): Promise<void> {
  const file = resolve(import.meta.dirname, '..', 'docs', 'benchmarks.md');
  let text = await readFile(file, 'utf8');
  if (!text.includes(MARKER)) {
    text = `${text.trimEnd()}\n\n## verify\n\n\`npm run bench -- verify\` (\`bench/verify.ts\`): cupid-go's 5.2M-row table (BIGINT key, 7 columns) against a copy in another database on the same MariaDB, with 100 seeded differences (40 changed, 30 missing, 30 extra), default settings: digests computed inside MariaDB per 10,000-row key range, differing ranges halved down to 1,000 rows, then compared row by row. Target (issue): under 30 s with all 100 found; cupid-go took about 25 minutes.\n\n${MARKER}\n`;
  }
  const entry = `### ${date.slice(0, 10)}\n\n- Machine: ${machine}.\n- ${fmt(rows)} source rows in ${chunks} ranges, **${seconds.toFixed(1)} s** (${fmt(rows / seconds)} rows/s), all 100 differences found (target: < 30 s: ${seconds < 30 ? 'met' : '**not met**'}).\n- \`${line}\`\n`;
  const at = text.indexOf(MARKER) + MARKER.length;
  await writeFile(file, `${text.slice(0, at)}\n\n${entry}${text.slice(at)}`);
}
