import type { SqlDriver, SqlParam } from './sql-driver.ts';

/** `?` placeholders → `$1, $2, ...` (the store's SQL never has `?` inside literals). */
function numbered(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

/** Shared metadata store on PostgreSQL (several Sluice nodes may use one). */
export async function openPostgres(url: string): Promise<SqlDriver> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  type Queryable = Pick<InstanceType<typeof pg.Pool>, 'query'>;
  const wrap = (client: Queryable): Omit<SqlDriver, 'transaction' | 'close'> => ({
    dialect: 'postgres',
    async run(sql, params = []) {
      await client.query(numbered(sql), params as SqlParam[]);
    },
    async all<T>(sql: string, params: readonly SqlParam[] = []) {
      const res = await client.query(numbered(sql), params as SqlParam[]);
      return res.rows as T[];
    },
  });
  return {
    ...wrap(pool),
    async transaction(work) {
      const client = await pool.connect();
      const tx: SqlDriver = { ...wrap(client), transaction: (w) => w(tx), close: async () => {} };
      try {
        await client.query('BEGIN');
        const result = await work(tx);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
