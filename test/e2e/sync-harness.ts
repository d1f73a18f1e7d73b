import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Connection } from 'mysql2/promise';
import type { SqlEngine, SqlValue, TableRef } from '../../src/connectors/sql/sql-engine.ts';

export const bin = join(import.meta.dirname, '../../bin/sluice.js');

/** Canonical text of a value so equal data compares equal across engines. */
export function canonical(v: SqlValue): unknown {
  if (v === null) return null;
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (v instanceof Uint8Array) return `hex:${Buffer.from(v).toString('hex')}`;
  if (typeof v === 'string') {
    // Fractional seconds: engines differ in trailing zeros. The digits are UTC for TIMESTAMP values
    // on every engine; the 'Z' only says so, and MySQL DATETIME (the mapping of timestamptz) has none.
    const t = /^(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2})(?:\.(\d*?))?0*Z?$/.exec(v);
    if (t) return `${t[1]!.replace('T', ' ')}${t[2] ? `.${t[2]}` : ''}`;
    if (/^[[{]/.test(v)) {
      try {
        // Numbers keep their source text, so a big integer that lost digits does not compare equal.
        const parsed = JSON.parse(v, (_k, value, context?: { source?: string }) => (typeof value === 'number' ? `num:${context?.source}` : value));
        return `json:${JSON.stringify(sortKeys(parsed))}`;
      } catch {
        return v;
      }
    }
  }
  return typeof v === 'number' ? String(v) : v;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

/** Every row of a table in key order, as canonical objects keyed by column name. */
export async function tableRows(engine: SqlEngine, ref: TableRef, key: readonly string[]): Promise<Record<string, unknown>[]> {
  const info = await engine.describe(ref);
  if (!info) throw new Error(`${ref.name} does not exist on ${engine.label}`);
  const columns = info.columns.map((c) => c.name).sort();
  const rows = await engine.readRange(ref, columns, key, {});
  const out = rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, canonical(r[i]!)])));
  // Engines order string keys by their own collation: compare as sets, in one order.
  return out.sort((a, b) => JSON.stringify(key.map((k) => a[k])).localeCompare(JSON.stringify(key.map((k) => b[k]))));
}

/** The "every common type" table of the sync tests, on MariaDB, with `rows` rows (some all-NULL). */
export async function seedItems(conn: Connection, table: string, rows: number): Promise<void> {
  await conn.query(`CREATE TABLE \`${table}\` (
    region VARCHAR(20) NOT NULL, id BIGINT NOT NULL,
    qty INT NULL, big BIGINT NULL, ubig BIGINT UNSIGNED NULL, price DECIMAL(30,10) NULL, ratio DOUBLE NULL,
    flag BOOLEAN NULL, name VARCHAR(100) NULL, note TEXT NULL, born DATE NULL, seen DATETIME(6) NULL,
    stamp TIMESTAMP(6) NULL, doc JSON NULL, bin VARBINARY(64) NULL,
    updated_at DATETIME(6) NOT NULL DEFAULT '2024-01-01 00:00:00',
    PRIMARY KEY (region, id))`);
  const regions = ['north', 'south', '東京', 'zürich', 'ünïcode-😀'];
  const values: unknown[][] = [];
  for (let i = 1; i <= rows; i++) {
    const region = regions[i % regions.length]!;
    if (i % 10 === 0) {
      values.push([region, i, null, null, null, null, null, null, null, null, null, null, null, null, null, '2024-01-01 00:00:00']);
      continue;
    }
    values.push([
      region, i, i * 7 - 1000, i % 3 === 0 ? '9007199254740993' : String(-i * 1_000_003), i % 4 === 0 ? '18446744073709551615' : String(i),
      `${i}.${String(i * 37).padStart(10, '0').slice(0, 10)}`, i / 7, i % 2 === 0, `name ${i} — ✓ ${region}`, `note ${'x'.repeat(i % 50)}`,
      `20${String(10 + (i % 15))}-0${1 + (i % 9)}-1${i % 9}`, `2024-02-29 23:59:${String(i % 60).padStart(2, '0')}.${String(i % 1_000_000).padStart(6, '0')}`,
      `2024-03-10 0${i % 10}:30:00.123456`, `{"i": ${i}, "tags": ["a", "ü"], "nested": {"big": 12345678901234567890, "ok": ${i % 2 === 0}}}`,
      Buffer.from([i % 256, 0, 255, (i * 7) % 256]), '2024-01-01 00:00:00',
    ]);
  }
  for (let i = 0; i < values.length; i += 1000) {
    await conn.query(`INSERT INTO \`${table}\` VALUES ?`, [values.slice(i, i + 1000)]);
  }
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly report: any;
}

/** Runs `sluice sync ...` and parses the JSON report it prints. */
export function runSync(args: readonly string[], env: NodeJS.ProcessEnv = {}, onStart?: (child: ReturnType<typeof spawn>) => void): Promise<CliResult> {
  return runCli(['sync', ...args], env, onStart);
}

/** Runs `sluice ARGS`; `report` is stdout parsed as JSON when it is JSON. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, onStart?: (child: ReturnType<typeof spawn>) => void): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, SLUICE_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      let report: unknown;
      try {
        report = stdout.trim() ? JSON.parse(stdout) : undefined;
      } catch {
        report = undefined;
      }
      resolve({ code, stdout, stderr, report });
    });
    onStart?.(child);
  });
}
