import { z } from 'zod';
import { parseStartPosition } from '../../core/position.ts';
import { tablePatternError } from '../../core/table-pattern.ts';

const tablePattern = z.string().superRefine((p, ctx) => {
  const error = tablePatternError(p);
  if (error) ctx.addIssue({ code: 'custom', message: error });
});

const startPosition = z.string().default('latest').superRefine((value, ctx) => {
  try {
    parseStartPosition(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
}).meta({ description: 'Where to start when no checkpoint is stored: `latest`, `earliest`, `FILE:POS` or `gtid:0-1-28`. A stored checkpoint always wins; use `sluice position set` to move it.' });

export const mysqlSourceSchema = z.object({
  type: z.enum(['mysql', 'mariadb']).default('mysql').meta({ description: 'Source engine; the flavor is detected from the server, both names are accepted.' }),
  host: z.string().default('127.0.0.1').meta({ description: 'Source server host.' }),
  port: z.number().int().min(1).max(65535).default(3306).meta({ description: 'Source server port.' }),
  user: z.string().meta({ description: 'User with REPLICATION SLAVE, REPLICATION CLIENT and SELECT.' }),
  password: z.string().default('').meta({ description: 'Password; use `${ENV_VAR}` rather than a literal.' }),
  serverId: z.number().int().min(1).max(4294967295).default(1001).meta({ description: 'Replica server_id Sluice announces; must be unique among the replicas of the source.' }),
  start: startPosition,
  timezone: z.string().default('UTC').refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'not an IANA time zone (e.g. UTC, Asia/Shanghai)').meta({ description: 'Zone the source writes DATETIME values in; DATETIME values are emitted as ISO-8601 with this offset. TIMESTAMP values are always emitted in UTC.' }),
  include: z.array(tablePattern).default([]).meta({ description: 'Tables to capture: `db.table`, globs (`shop.*`) or `/regex/` over `db.table`. Empty = all. Tables created later that match are captured too.' }),
  exclude: z.array(tablePattern).default([]).meta({ description: 'Tables to skip, same syntax; wins over include.' }),
  bitAs: z.enum(['number', 'string']).default('number').meta({ description: 'BIT(n) as a number (exact up to 53 bits, larger values become strings) or as a bit string like `"1010"`.' }),
  decodeThread: z.union([z.boolean(), z.literal('auto')]).default('auto').meta({ description: 'Read and decode the binlog in a worker thread, leaving the main thread to rules and targets. `auto` = on with 4 or more CPUs; on 2 CPUs the machine, not the main thread, is the limit and the thread measured no gain (docs/benchmarks.md).' }),
  zeroDate: z.enum(['string', 'null']).default('string').meta({ description: 'Zero dates (`0000-00-00`) as the literal string or as null.' }),
}).strict();

export type MysqlSourceConfig = z.output<typeof mysqlSourceSchema>;
