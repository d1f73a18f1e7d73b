import type { SqlConnectionConfig } from './connection-spec.ts';
import type { SqlEngine } from './sql-engine.ts';

/** Opens the engine for a connection; the driver module is loaded only when its type is used. */
export async function openEngine(config: SqlConnectionConfig): Promise<SqlEngine> {
  switch (config.type) {
    case 'mysql':
    case 'mariadb': {
      const { openMysqlEngine } = await import('../mysql/sql-engine.ts');
      return openMysqlEngine(config);
    }
    case 'postgres': {
      const { openPostgresEngine } = await import('../postgres/sql-engine.ts');
      return openPostgresEngine(config);
    }
    case 'sqlite': {
      const { openSqliteEngine } = await import('../sqlite/sql-engine.ts');
      return openSqliteEngine(config);
    }
  }
}
