import { z } from 'zod';

const urlPrefixes = {
  mysql: ['mysql://', 'mariadb://'],
  mariadb: ['mysql://', 'mariadb://'],
  postgres: ['postgres://', 'postgresql://'],
  sqlite: ['sqlite:'],
} as const;

/** A database that `sluice sync` reads from or writes to. */
export const sqlConnectionSchema = z.object({
  type: z.enum(['mysql', 'mariadb', 'postgres', 'sqlite']).meta({ description: 'Database engine; `mysql` and `mariadb` are the same connector.' }),
  url: z.string().optional().meta({ description: 'Connection URL instead of the fields below: `mysql://user:pass@host:3306/db`, `postgres://user@host:5432/db` (libpq parameters such as `sslmode` allowed), `sqlite:PATH`. Put the password in `${ENV_VAR}`.' }),
  host: z.string().default('127.0.0.1').meta({ description: 'Server host (MySQL/MariaDB, PostgreSQL).' }),
  port: z.number().int().min(1).max(65535).optional().meta({ description: 'Server port; default 3306 for MySQL/MariaDB, 5432 for PostgreSQL.' }),
  user: z.string().optional().meta({ description: 'User name (MySQL/MariaDB, PostgreSQL).' }),
  password: z.string().default('').meta({ description: 'Password; use `${ENV_VAR}` rather than a literal.', writeOnly: true }),
  database: z.string().optional().meta({ description: 'Database to connect to: the default schema of table names for MySQL/MariaDB; PostgreSQL tables default to the `public` schema.' }),
  file: z.string().optional().meta({ description: 'SQLite database file (created if missing).' }),
  pool: z.number().int().min(1).max(64).default(8).meta({ description: 'Most connections kept open to the database (SQLite: ignored, one writer and one reader).' }),
}).strict().superRefine((c, ctx) => {
  if (c.url !== undefined && !urlPrefixes[c.type].some((p) => c.url!.startsWith(p))) {
    ctx.addIssue({ code: 'custom', path: ['url'], message: `a ${c.type} url starts with ${urlPrefixes[c.type].join(' or ')}` });
  }
  if (c.type === 'sqlite') {
    if (c.url === undefined && c.file === undefined) ctx.addIssue({ code: 'custom', path: ['file'], message: 'a sqlite connection needs `file` (or `url: sqlite:PATH`)' });
  } else if (c.url === undefined && (c.database === undefined || c.user === undefined)) {
    ctx.addIssue({ code: 'custom', path: [c.user === undefined ? 'user' : 'database'], message: `a ${c.type} connection needs \`url\`, or \`database\` and \`user\`` });
  }
});

export type SqlConnectionConfig = z.output<typeof sqlConnectionSchema>;
