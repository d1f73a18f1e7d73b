/**
 * Node CPU per row of the MariaDB → PostgreSQL text path's stages, without PostgreSQL (scratch, not
 * product code): reading 5,000-row chunks as TextRows, encoding them as COPY text, the repeated-key
 * check, and for comparison readRange (mysql2 rows of SqlValues). The `npm run bench -- sync` table.
 *
 *   node --max-semi-space-size=8 bench/experiments/sync-node-stages.ts      # BENCH_ROWS (300000)
 */
import { scratchMariaDb } from '../../test/services/scratch-databases.ts';
import { openEngine } from '../../src/connectors/sql/open-engine.ts';
import { copyFieldPlans, copyTextRows } from '../../src/connectors/postgres/copy-text-rows.ts';
import { mayRepeatKey, type TextRows } from '../../src/connectors/sql/text-rows.ts';
const rows = Number(process.env.BENCH_ROWS ?? 300_000);
const src = await scratchMariaDb('sluice_exp');
try {
  await src.conn.query(`CREATE TABLE bench (
  id BIGINT PRIMARY KEY, account INT NOT NULL, amount DECIMAL(12,2) NOT NULL, ratio DOUBLE NOT NULL,
  name VARCHAR(64) NOT NULL, status VARCHAR(16) NOT NULL, note TEXT NOT NULL, created_at DATETIME(3) NOT NULL,
  flags INT NOT NULL, code CHAR(8) NOT NULL); INSERT INTO bench SELECT seq, seq % 100000, (seq % 1000000) / 100, seq / 7, CONCAT('name-', seq), ELT(1 + seq % 4, 'new', 'paid', 'shipped', 'void'),
    CONCAT('a note of about forty five characters #', seq), TIMESTAMPADD(SECOND, seq, '2024-01-01 00:00:00.123'), seq % 65536, LPAD(HEX(seq), 8, '0') FROM seq_1_to_${rows}`);
  const e = await openEngine({ ...src.config, type: 'mariadb', pool: 4 } as never);
  const info = (await e.describe({ name: 'bench' }))!;
  const names = info.columns.map((c) => c.name);
  for (let round = 0; round < 3; round++) {
    const batches: TextRows[] = [];
    let c0 = process.cpuUsage(); let t0 = performance.now();
    for (let lo = 0; lo < rows; lo += 5000) batches.push(await e.readRangeText!(info.ref, names, ['id'], { after: [lo], upTo: [lo + 5000] }, { expectRows: 5000 }));
    let c = process.cpuUsage(c0);
    console.log('read   µs/row', ((c.user + c.system) / rows).toFixed(3), 'wall', ((performance.now() - t0) * 1000 / rows).toFixed(3));
    const plans = copyFieldPlans(batches[0]!, info.columns)!;
    c0 = process.cpuUsage();
    let bytes = 0;
    for (const b of batches) for (const p of copyTextRows(b, plans, (_i, v) => v, plans.map(() => false), 1 << 20)!) bytes += p.length;
    c = process.cpuUsage(c0);
    console.log('encode µs/row', ((c.user + c.system) / rows).toFixed(3), 'sys', (c.system / rows).toFixed(3), bytes);
    c0 = process.cpuUsage();
    for (const b of batches) mayRepeatKey(b, [0]);
    c = process.cpuUsage(c0);
    console.log('keys   µs/row', ((c.user + c.system) / rows).toFixed(3));
    c0 = process.cpuUsage();
    for (let lo = 0; lo < rows; lo += 5000) await e.readRange(info.ref, names, ['id'], { after: [lo], upTo: [lo + 5000] });
    c = process.cpuUsage(c0);
    console.log('readRange (old path) µs/row', ((c.user + c.system) / rows).toFixed(3));
  }
  await e.close();
} finally { await src.drop(); }
