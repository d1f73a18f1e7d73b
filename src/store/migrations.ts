import { sluiceError } from '../core/errors.ts';
import type { Dialect, SqlDriver } from './sql-driver.ts';

interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (d: Dialect) => readonly string[];
}

const types = (d: Dialect) => ({
  id: d === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : d === 'mysql' ? 'BIGINT AUTO_INCREMENT PRIMARY KEY' : 'BIGSERIAL PRIMARY KEY',
  text: d === 'mysql' ? 'LONGTEXT' : 'TEXT',
  name: 'VARCHAR(191)',
  int: 'BIGINT',
});

/** Ordered, append-only. Never edit a released migration: add a new one. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'checkpoints and dead letters',
    up: (d) => {
      const t = types(d);
      return [
        `CREATE TABLE sluice_checkpoints (
           pipeline ${t.name} NOT NULL PRIMARY KEY,
           position ${t.text} NOT NULL,
           updated_at ${t.int} NOT NULL)`,
        `CREATE TABLE sluice_dead_letters (
           id ${t.id},
           pipeline ${t.name} NOT NULL,
           target ${t.name} NOT NULL,
           created_at ${t.int} NOT NULL,
           error_code VARCHAR(32) NOT NULL,
           error_message ${t.text} NOT NULL,
           attempts INTEGER NOT NULL,
           position ${t.text} NOT NULL,
           event_count INTEGER NOT NULL,
           payload ${t.text} NOT NULL,
           status VARCHAR(16) NOT NULL)`,
        `CREATE INDEX sluice_dead_letters_pipeline ON sluice_dead_letters (pipeline, status, id)`,
      ];
    },
  },
  {
    version: 2,
    name: 'sync tasks and ledger: tables, chunks, rejected rows',
    up: (d) => {
      const t = types(d);
      return [
        `CREATE TABLE sluice_sync_tasks (
           name ${t.name} NOT NULL PRIMARY KEY,
           definition ${t.text} NOT NULL,
           created_at ${t.int} NOT NULL,
           updated_at ${t.int} NOT NULL)`,
        `CREATE TABLE sluice_sync_tables (
           task ${t.name} NOT NULL,
           tbl ${t.name} NOT NULL,
           run_id ${t.name} NOT NULL,
           status VARCHAR(16) NOT NULL,
           cursor_json ${t.text},
           rows_written ${t.int} NOT NULL,
           started_at ${t.int} NOT NULL,
           updated_at ${t.int} NOT NULL,
           PRIMARY KEY (task, tbl))`,
        `CREATE TABLE sluice_sync_chunks (
           task ${t.name} NOT NULL,
           tbl ${t.name} NOT NULL,
           seq ${t.int} NOT NULL,
           lo_json ${t.text},
           hi_json ${t.text},
           status VARCHAR(16) NOT NULL,
           rows_written ${t.int} NOT NULL,
           updated_at ${t.int} NOT NULL,
           PRIMARY KEY (task, tbl, seq))`,
        `CREATE TABLE sluice_sync_rejects (
           id ${t.id},
           task ${t.name} NOT NULL,
           tbl ${t.name} NOT NULL,
           run_id ${t.name} NOT NULL,
           created_at ${t.int} NOT NULL,
           key_json ${t.text} NOT NULL,
           reason ${t.text} NOT NULL,
           row_json ${t.text} NOT NULL)`,
        `CREATE INDEX sluice_sync_rejects_task ON sluice_sync_rejects (task, tbl, run_id)`,
      ];
    },
  },
  {
    version: 3,
    name: 'outbox of callbacks, verify watch cursors and pending re-checks',
    up: (d) => {
      const t = types(d);
      return [
        `CREATE TABLE sluice_outbox (
           id ${t.id},
           channel ${t.name} NOT NULL,
           idempotency_key ${t.name} NOT NULL,
           payload ${t.text} NOT NULL,
           status VARCHAR(16) NOT NULL,
           attempts INTEGER NOT NULL,
           next_at ${t.int} NOT NULL,
           created_at ${t.int} NOT NULL,
           last_error ${t.text},
           UNIQUE (channel, idempotency_key))`,
        `CREATE INDEX sluice_outbox_due ON sluice_outbox (status, next_at)`,
        `CREATE TABLE sluice_verify_cursors (
           task ${t.name} NOT NULL,
           kind VARCHAR(16) NOT NULL,
           cursor_json ${t.text} NOT NULL,
           updated_at ${t.int} NOT NULL,
           PRIMARY KEY (task, kind))`,
        // key_json was VARCHAR(700): a 3,564-byte primary key under utf8mb4, which MySQL/MariaDB
        // refuse (3,072 at most), so no utf8mb4 MySQL store ever got past this migration.
        `CREATE TABLE sluice_verify_pending (
           task ${t.name} NOT NULL,
           target INTEGER NOT NULL,
           key_json VARCHAR(512) NOT NULL,
           due_at ${t.int} NOT NULL,
           PRIMARY KEY (task, target, key_json))`,
      ];
    },
  },
  {
    version: 4,
    name: 'verify run ledger (resume an interrupted batch verify)',
    up: (d) => {
      const t = types(d);
      return [
        `CREATE TABLE sluice_verify_runs (
           task ${t.name} NOT NULL PRIMARY KEY,
           run_id ${t.name} NOT NULL,
           fingerprint VARCHAR(64) NOT NULL,
           state_json ${t.text} NOT NULL,
           started_at ${t.int} NOT NULL,
           updated_at ${t.int} NOT NULL,
           finished_at ${t.int})`,
      ];
    },
  },
  {
    version: 5,
    name: 'scheduler: jobs, fires, attempts, executors, leases, daily aggregates',
    up: (d) => {
      const t = types(d);
      return [
        `CREATE TABLE sluice_jobs (
           name ${t.name} NOT NULL PRIMARY KEY,
           definition ${t.text} NOT NULL,
           origin VARCHAR(16) NOT NULL,
           enabled INTEGER NOT NULL,
           partition_no INTEGER NOT NULL,
           next_fire_at ${t.int},
           updated_at ${t.int} NOT NULL)`,
        `CREATE INDEX sluice_jobs_due ON sluice_jobs (partition_no, next_fire_at)`,
        `CREATE TABLE sluice_fires (
           id ${t.id},
           job ${t.name} NOT NULL,
           slot VARCHAR(64) NOT NULL,
           partition_no INTEGER NOT NULL,
           scheduled_at ${t.int} NOT NULL,
           trigger_kind VARCHAR(16) NOT NULL,
           root_fire_id ${t.int},
           parent_fire_id ${t.int},
           status VARCHAR(16) NOT NULL,
           owner ${t.name},
           attempts INTEGER NOT NULL,
           created_at ${t.int} NOT NULL,
           started_at ${t.int},
           finished_at ${t.int},
           deadline ${t.int},
           params_json ${t.text},
           result_json ${t.text},
           UNIQUE (job, slot))`,
        `CREATE INDEX sluice_fires_open ON sluice_fires (partition_no, status, scheduled_at)`,
        `CREATE INDEX sluice_fires_job ON sluice_fires (job, scheduled_at)`,
        `CREATE INDEX sluice_fires_root ON sluice_fires (root_fire_id)`,
        // Pending fires nobody owns yet (run-now, dependency fires): found without scanning the owned ones.
        `CREATE INDEX sluice_fires_unclaimed ON sluice_fires (status, owner, partition_no)`,
        `CREATE TABLE sluice_fire_attempts (
           id ${t.id},
           fire_id ${t.int} NOT NULL,
           shard_index INTEGER NOT NULL,
           attempt INTEGER NOT NULL,
           executor VARCHAR(255),
           node ${t.name} NOT NULL,
           started_at ${t.int} NOT NULL,
           finished_at ${t.int},
           status VARCHAR(16) NOT NULL,
           http_status INTEGER,
           excerpt ${t.text},
           error ${t.text})`,
        `CREATE INDEX sluice_fire_attempts_fire ON sluice_fire_attempts (fire_id)`,
        `CREATE TABLE sluice_fire_callbacks (
           fire_id ${t.int} NOT NULL,
           shard_index INTEGER NOT NULL,
           attempt INTEGER NOT NULL,
           status VARCHAR(16) NOT NULL,
           body ${t.text},
           received_at ${t.int} NOT NULL,
           PRIMARY KEY (fire_id, shard_index, attempt))`,
        `CREATE TABLE sluice_executors (
           grp VARCHAR(100) NOT NULL,
           address VARCHAR(255) NOT NULL,
           weight INTEGER NOT NULL,
           busy INTEGER NOT NULL,
           last_seen ${t.int} NOT NULL,
           PRIMARY KEY (grp, address))`,
        `CREATE TABLE sluice_leases (
           name ${t.name} NOT NULL PRIMARY KEY,
           owner ${t.name} NOT NULL,
           token ${t.int} NOT NULL,
           expires_at ${t.int} NOT NULL)`,
        `CREATE TABLE sluice_job_daily (
           day VARCHAR(10) NOT NULL,
           job ${t.name} NOT NULL,
           fires INTEGER NOT NULL,
           succeeded INTEGER NOT NULL,
           failed INTEGER NOT NULL,
           total_ms ${t.int} NOT NULL,
           PRIMARY KEY (day, job))`,
      ];
    },
  },
];

/** Brings the store schema up to date; refuses a store migrated by a newer Sluice. */
export async function migrate(db: SqlDriver): Promise<void> {
  await db.run(`CREATE TABLE IF NOT EXISTS sluice_migrations (version INTEGER NOT NULL PRIMARY KEY, name VARCHAR(191) NOT NULL, applied_at BIGINT NOT NULL)`);
  await db.transaction(async (tx) => {
    if (tx.dialect === 'mysql') await tx.run('SELECT GET_LOCK(?, 30)', ['sluice_migrations']);
    if (tx.dialect === 'postgres') await tx.run('SELECT pg_advisory_xact_lock(7734001)');
    const rows = await tx.all<{ version: number | string }>('SELECT version FROM sluice_migrations');
    const applied = new Set(rows.map((r) => Number(r.version)));
    const latest = migrations.at(-1)!.version;
    const newest = Math.max(0, ...applied);
    if (newest > latest) {
      throw sluiceError('SLUICE_5002', `store is at schema version ${newest}, this Sluice knows up to ${latest}`);
    }
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      for (const statement of m.up(tx.dialect)) await runDdl(tx, statement);
      await tx.run('INSERT INTO sluice_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, Date.now()]);
    }
    if (tx.dialect === 'mysql') await tx.run('SELECT RELEASE_LOCK(?)', ['sluice_migrations']);
  });
}

/**
 * MySQL commits each DDL statement on its own, so a migration that failed half-way leaves some of
 * its tables behind; running it again must step over them instead of failing for ever.
 */
async function runDdl(tx: SqlDriver, statement: string): Promise<void> {
  try {
    await tx.run(statement);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (tx.dialect === 'mysql' && (code === 'ER_TABLE_EXISTS_ERROR' || code === 'ER_DUP_KEYNAME')) return;
    throw err;
  }
}
