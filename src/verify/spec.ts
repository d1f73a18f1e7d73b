import { z } from 'zod';
import { duration } from '../core/units.ts';
import { alertChannelFields, needsAChannel } from '../notify/alert-spec.ts';

const tableRef = (what: string) => z.object({
  connection: z.string().min(1).meta({ description: `Name of an entry under \`connections\` holding the ${what} table.` }),
  schema: z.string().optional().meta({ description: 'Database (MySQL/MariaDB) or schema (PostgreSQL); the connection\'s default when omitted.' }),
  table: z.string().min(1).meta({ description: `The ${what} table.` }),
});

export const verifyTaskSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'use letters, digits, _ . - (at most 100)').meta({ description: 'Task name: the key of its chunk ledger and reports.' }),
  source: tableRef('source').strict().meta({ description: 'The table that is right.' }),
  targets: z.array(tableRef('target').extend({
    columns: z.record(z.string(), z.string()).default({}).meta({ description: 'Source column → target column where the names differ (cupid `columns`).' }),
  }).strict()).min(1).meta({ description: 'Tables that should hold the same rows as the source.' }),
  key: z.array(z.string()).optional().meta({ description: 'Columns identifying a row (cupid `byColumn`); default the source primary key.' }),
  columns: z.object({
    include: z.array(z.string()).default([]).meta({ description: 'Columns to compare; empty = all (key columns always).' }),
    ignore: z.array(z.string()).default([]).meta({ description: 'Columns not compared (e.g. a target-only load time).' }),
  }).strict().prefault({}).meta({ description: 'Which columns are compared.' }),
  where: z.string().optional().meta({ description: 'Compare only source rows matching this SQL filter (source dialect).' }),
  chunkRows: z.number().int().min(10).max(1_000_000).default(10_000).meta({ description: 'Rows per compared key range.' }),
  floatDigits: z.number().int().min(1).max(17).default(15).meta({ description: 'FLOAT/DOUBLE values compare equal when they agree to this many significant digits (FLOAT(24) columns: at most 6).' }),
  throttle: z.object({
    rowsPerSecond: z.number().positive().optional().meta({ description: 'Upper bound on source rows compared per second.' }),
    chunkTime: duration().optional().meta({ description: 'Target time per key range, e.g. "500ms": the range size adapts to it (between 100 rows and 10 × chunkRows).' }),
  }).strict().prefault({}).meta({ description: 'Load limits on the compared databases.' }),
  pushdown: z.boolean().default(true).meta({ description: 'When source and target are the same engine, compare per-range digests computed inside the databases (count + sum of per-row MD5 slices) and read rows only of ranges that differ.' }),
  parallelRanges: z.number().int().min(1).max(16).default(2).meta({ description: 'Key ranges compared at the same time (results are still merged in key order).' }),
  narrowRows: z.number().int().min(10).max(1_000_000).default(1000).meta({ description: 'With digests, a differing range is halved until it holds at most this many source rows, then compared row by row.' }),
  watch: z.object({
    interval: duration().default(2000).meta({ description: 'How often new and changed rows are checked (cupid insertIntervalMillisecond/updateIntervalMillisecond).' }),
    newRows: z.boolean().default(true).meta({ description: 'Check rows with a key above the stored cursor (the key must increase, like an AUTO_INCREMENT id).' }),
    pageRows: z.number().int().min(10).max(100_000).default(5000).meta({ description: 'Rows read per query while catching up; a pass reads page after page.' }),
    maxRowsPerPass: z.number().int().min(10).default(50_000).meta({ description: 'Rows of each kind (new, changed) one pass checks at most; a pass that stops there is followed at once by the next (callbacks and re-checks run in between), without waiting for `interval`.' }),
    updateColumn: z.string().optional().meta({ description: 'Check rows whose `(column, key)` is past the stored cursor, read with the source database\'s clock (cupid updateColumn).' }),
    overlap: duration().default(5000).meta({ description: 'How far before the stored update cursor each pass starts again.' }),
    grace: duration().default(2000).meta({ description: 'A mismatch is checked again after this long (replication lag) and reported only if it is still there.' }),
    callback: z.object({
      url: z.string().url().meta({ description: 'Where each mismatched row is POSTed.' }),
      timeout: duration().default(3000).meta({ description: 'Per attempt.' }),
      format: z.enum(['sluice', 'cupid']).default('sluice').meta({ description: '`cupid`: `{"type": 1|2, "srcColumn": {...}}` (1 missing, 2 differing; values as strings or null). `sluice`: `{task, target, kind, key, row, columns}`.' }),
      signing: z.object({
        keyId: z.string().meta({ description: 'Sent as `x-sluice-key-id`, so receivers can rotate secrets.' }),
        secret: z.string().meta({ description: 'HMAC key; use `${ENV_VAR}`.' }),
      }).strict().optional().meta({ description: 'HMAC-SHA256 signature headers, as the HTTP target sends them.' }),
      retryEvery: duration().default(10_000).meta({ description: 'Retry delay of a failed callback (cupid failureJobRetrySecond).' }),
      fastAttempts: z.number().int().min(1).default(3).meta({ description: 'Failures before a callback moves to the slow queue.' }),
      slowEvery: duration().default(600_000).meta({ description: 'Retry delay in the slow queue.' }),
      maxAge: duration().default(7 * 86_400_000).meta({ description: 'Age after which a failing callback is dead (kept, replayable).' }),
    }).strict().meta({ description: 'Callbacks for mismatched rows, through the durable outbox.' }),
    alerts: z.object({
      ...alertChannelFields,
      mismatchRate: z.number().min(0).max(1).default(0.01).meta({ description: 'Alert when more than this fraction of the rows checked in a pass do not match.' }),
    }).strict().refine(...needsAChannel).optional().meta({ description: 'Alerts when callbacks keep failing (a callback reaches the slow queue or dies) or the mismatch rate is high.' }),
  }).strict().optional().meta({ description: 'Continuous compensation (`sluice verify --watch`): new and changed rows are checked as they come.' }),
  maxReported: z.number().int().min(0).default(1000).meta({ description: 'Differences listed in the report per target (all are counted).' }),
}).strict();

export type VerifyTask = z.output<typeof verifyTaskSchema>;
