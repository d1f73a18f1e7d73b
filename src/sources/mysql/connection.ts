import mysql from 'mysql2/promise';
import type { MysqlSourceConfig } from './spec.ts';

/** Connection options shared by the binlog reader and Sluice's control connection. */
export function connectionOptions(config: MysqlSourceConfig) {
  return {
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    // Lossless reads: temporal values as strings (rendered in UTC), exact DECIMAL and BIGINT.
    dateStrings: true,
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: true,
    connectTimeout: 10_000,
  } as const;
}

export function connectControl(config: MysqlSourceConfig): Promise<mysql.Connection> {
  return mysql.createConnection(connectionOptions(config));
}
