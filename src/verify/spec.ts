import { z } from 'zod';

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
  pushdown: z.boolean().default(true).meta({ description: 'When source and target are the same engine, compare per-range digests computed inside the databases (count + sum of per-row MD5 slices) and read rows only of ranges that differ.' }),
  narrowRows: z.number().int().min(10).max(1_000_000).default(1000).meta({ description: 'With digests, a differing range is halved until it holds at most this many source rows, then compared row by row.' }),
  maxReported: z.number().int().min(0).default(1000).meta({ description: 'Differences listed in the report per target (all are counted).' }),
}).strict();

export type VerifyTask = z.output<typeof verifyTaskSchema>;
