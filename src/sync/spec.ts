import { z } from 'zod';
import { duration } from '../core/units.ts';

const positive = (fallback: number, max: number) => z.number().int().min(1).max(max).default(fallback);

/** goshift's parameter names, accepted as aliases so its task params can be used as they are. */
const aliases: Record<string, string> = { worker_num: 'workers', read_batch: 'readBatch', write_batch: 'writeBatch', max_errors: 'maxErrors' };

function withAliases(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) out[aliases[k] && !(aliases[k]! in raw) ? aliases[k]! : k] = v;
  return out;
}

const connection = (what: string) => z.string().min(1).meta({ description: `Name of an entry under \`connections\` to ${what}.` });
const schemaField = z.string().optional().meta({ description: 'Database (MySQL/MariaDB) or schema (PostgreSQL, default `public`); the connection\'s default when omitted. Not used for SQLite.' });

const fromSchema = z.object({
  connection: connection('read from'),
  schema: schemaField,
  tables: z.array(z.string().min(1)).default([]).meta({ description: 'Tables to copy: names, globs (`order_*`) or `/regex/`. Empty = every base table of the schema. Each table has its own chunk ledger.' }),
  exclude: z.array(z.string().min(1)).default([]).meta({ description: 'Tables to leave out, same syntax.' }),
}).strict();

const toSchema = z.object({
  connection: connection('write to'),
  schema: schemaField,
  table: z.string().optional().meta({ description: 'Target table name when exactly one table is copied; otherwise target tables have the source names.' }),
  create: z.boolean().default(true).meta({ description: 'Create a missing target table with mapped column types (docs/sync-types.md) and the same key.' }),
}).strict();

export const syncTaskSchema = z.preprocess(withAliases, z.object({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'use letters, digits, _ . - (at most 100)').meta({ description: 'Task name: the key of its chunk ledger and cursors in the metadata store.' }),
  from: fromSchema.meta({ description: 'Source connection and tables.' }),
  to: toSchema.meta({ description: 'Target connection.' }),
  mode: z.enum(['upsert', 'insert', 'replace', 'truncate']).default('upsert').meta({ description: '`upsert` (default; a re-run changes nothing), `insert` (fails on existing keys), `replace` (delete + insert of each key), `truncate` (empty the target table, then insert).' }),
  key: z.array(z.string()).optional().meta({ description: 'Key columns for chunking and upserts, in key order; default the primary key (goshift `pk.src`).' }),
  where: z.string().optional().meta({ description: 'SQL filter in the source dialect, e.g. `status <> \'draft\'`.' }),
  columns: z.object({
    include: z.array(z.string()).default([]).meta({ description: 'Columns to copy; empty = all. Key columns are always copied.' }),
    exclude: z.array(z.string()).default([]).meta({ description: 'Columns to leave out.' }),
    rename: z.record(z.string(), z.string()).default({}).meta({ description: 'Source column → target column.' }),
  }).strict().prefault({}).meta({ description: 'Column mapping.' }),
  workers: positive(4, 64).meta({ description: 'Chunks copied in parallel (goshift `worker_num`).' }),
  readBatch: positive(5000, 1_000_000).meta({ description: 'Rows per chunk (goshift `read_batch`); with `throttle.chunkTime` the starting size.' }),
  writeBatch: positive(500, 100_000).meta({ description: 'Rows per INSERT statement (goshift `write_batch`).' }),
  incremental: z.object({
    column: z.string().meta({ description: 'Change-tracking column (e.g. `updated_at`, or an increasing version); rows are read in `(column, key)` order from the stored cursor (goshift `diff_column.src`).' }),
    overlap: duration().default(5000).meta({ description: 'How far before the stored cursor a run starts again, for rows committed late with an older value: a duration for time columns ("5s"), a number for numeric columns.' }),
    deletes: z.boolean().default(false).meta({ description: 'After copying, compare the keys of both sides range by range and delete target rows whose key is gone from the source.' }),
  }).strict().optional().meta({ description: 'Copy only rows changed since the last run.' }),
  throttle: z.object({
    rowsPerSecond: z.number().positive().optional().meta({ description: 'Upper bound on rows written per second, over all workers.' }),
    chunkTime: duration().optional().meta({ description: 'Target time per chunk, e.g. "500ms": the chunk size adapts to it (between 100 rows and 10 × readBatch).' }),
  }).strict().prefault({}).meta({ description: 'Load limits.' }),
  maxErrors: z.number().int().min(0).default(0).meta({ description: 'Rows the target may reject (value too long, constraint) before the task fails. Rejected rows are kept with the reason in the metadata store and the report, never dropped silently.' }),
}).strict());

export type SyncTask = z.output<typeof syncTaskSchema>;
