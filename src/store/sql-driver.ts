export type Dialect = 'sqlite' | 'mysql' | 'postgres';

export type SqlParam = string | number | bigint | null;

/**
 * The few things the metadata store needs from a database. SQL uses `?` placeholders;
 * drivers translate them where the engine wants another style.
 */
export interface SqlDriver {
  readonly dialect: Dialect;
  run(sql: string, params?: readonly SqlParam[]): Promise<void>;
  all<T = Record<string, unknown>>(sql: string, params?: readonly SqlParam[]): Promise<T[]>;
  /** Runs `work` in one transaction on one connection. */
  transaction<T>(work: (tx: SqlDriver) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
