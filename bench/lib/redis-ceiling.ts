import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Connection } from 'mysql2/promise';
import { DB } from './stream-redis-setup.ts';

/**
 * Redis's own ceiling for the same writes: `redis-benchmark` (C, one connection, 1,000 commands per
 * pipeline) sends HSETs of one source row's 10 fields, with the same text values, to random keys.
 * No Node and no binlog: what redis-server alone absorbs on this machine.
 */
export async function redisCeiling(conn: Connection, redisUrl: string, rows: number): Promise<number> {
  const [sample] = await conn.query(`SELECT * FROM ${DB}.bench ORDER BY id LIMIT 1`) as unknown as [Record<string, unknown>[]];
  const fields = Object.entries(sample[0]!).flatMap(([k, v]) => [k, v === null ? '' : String(v)]);
  const { port, hostname } = new URL(redisUrl);
  const { stdout } = await promisify(execFile)('redis-benchmark', [
    '-h', hostname, '-p', port, '-c', '1', '-P', '1000', '-n', String(rows), '-r', String(rows), '--csv',
    'hset', 'ceiling:__rand_int__', ...fields,
  ], { maxBuffer: 1 << 20 });
  const last = stdout.trim().split('\n').at(-1)!;
  const rps = Number(JSON.parse(`[${last}]`)[1]);
  if (!Number.isFinite(rps) || rps <= 0) throw new Error(`cannot read redis-benchmark output: ${last}`);
  return Math.round(rps);
}
