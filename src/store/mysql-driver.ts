import type { SqlDriver, SqlParam } from './sql-driver.ts';

/** Shared metadata store on MySQL/MariaDB (several Sluice nodes may use one). */
export async function openMysql(url: string): Promise<SqlDriver> {
  const mysql = await import('mysql2/promise');
  const pool = mysql.createPool({ uri: url, connectionLimit: 4, supportBigNumbers: true, bigNumberStrings: true });
  const wrap = (conn: Pick<typeof pool, 'query'>): Omit<SqlDriver, 'transaction' | 'close'> => ({
    dialect: 'mysql',
    async run(sql, params = []) {
      await conn.query(sql, params as SqlParam[]);
    },
    async all<T>(sql: string, params: readonly SqlParam[] = []) {
      const [rows] = await conn.query(sql, params as SqlParam[]);
      return rows as T[];
    },
  });
  return {
    ...wrap(pool),
    async transaction(work) {
      const conn = await pool.getConnection();
      const tx: SqlDriver = { ...wrap(conn), transaction: (w) => w(tx), close: async () => {} };
      try {
        await conn.beginTransaction();
        const result = await work(tx);
        await conn.commit();
        return result;
      } catch (err) {
        await conn.rollback().catch(() => undefined);
        throw err;
      } finally {
        conn.release();
      }
    },
    close: () => pool.end(),
  };
}
