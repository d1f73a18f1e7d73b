/**
 * The catalog of stable Sluice error codes. Codes never change meaning once released;
 * the hint tells the operator what to do. Ranges:
 *   1xxx config · 2xxx source · 3xxx targets · 4xxx pipeline · 5xxx metadata store · 6xxx CLI
 *   7xxx sync/SQL engines
 */
export type ErrorKind =
  /** Transient: try again soon (network blip, lock timeout). */
  | 'retryable'
  /** The other side is unavailable or overloaded: retry with exponential backoff. */
  | 'backoff'
  /** The data itself is rejected: retrying will not help, send it to the dead-letter store. */
  | 'unrecoverable'
  /** The run cannot continue (bad config, lost binlog position): stop with a clear message. */
  | 'fatal';

export interface CatalogEntry {
  readonly kind: ErrorKind;
  readonly title: string;
  readonly hint: string;
}

export const errorCatalog = {
  SLUICE_1001: { kind: 'fatal', title: 'Config file cannot be read', hint: 'Check the path given with -c/--config and its permissions.' },
  SLUICE_1002: { kind: 'fatal', title: 'Config file is not valid YAML', hint: 'Fix the YAML syntax at the reported line and column.' },
  SLUICE_1003: { kind: 'fatal', title: 'Config value is invalid', hint: 'Fix the value at the reported path; the message lists what is allowed.' },
  SLUICE_1004: { kind: 'fatal', title: 'Environment variable is not set', hint: 'Export the variable, or give a default with ${NAME:-default}.' },
  SLUICE_1005: { kind: 'fatal', title: 'Rule is invalid', hint: 'Fix the rule at the reported path (column names, template, formats).' },

  SLUICE_2001: { kind: 'backoff', title: 'Source database unreachable', hint: 'Check host, port, credentials and that the server accepts connections from this host.' },
  SLUICE_2002: { kind: 'fatal', title: 'Binary log is disabled', hint: 'Start the server with log_bin (e.g. --log-bin) and restart it.' },
  SLUICE_2003: { kind: 'fatal', title: 'binlog_format is not ROW', hint: "Run SET GLOBAL binlog_format='ROW' and set it in my.cnf." },
  SLUICE_2004: { kind: 'fatal', title: 'binlog_row_image is not FULL', hint: "Run SET GLOBAL binlog_row_image='FULL' and set it in my.cnf." },
  SLUICE_2005: { kind: 'fatal', title: 'binlog_row_metadata is not FULL', hint: "Run SET GLOBAL binlog_row_metadata='FULL' (MySQL 8 / MariaDB 10.5+); without it, replaying across DDL silently corrupts rows." },
  SLUICE_2006: { kind: 'fatal', title: 'Missing replication privileges', hint: "GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO the Sluice user." },
  SLUICE_2007: { kind: 'fatal', title: 'server_id clashes with the source or another replica', hint: 'Set source.serverId to a number unique in the replication topology.' },
  SLUICE_2008: { kind: 'fatal', title: 'Binlog position is no longer available', hint: 'The server purged the binlog holding the checkpoint. Take a new snapshot, then `sluice position set`.' },
  SLUICE_2009: { kind: 'backoff', title: 'Binlog stream interrupted', hint: 'Sluice reconnects with backoff and resumes after the last transaction it received; check the source server if this repeats.' },
  SLUICE_2010: { kind: 'unrecoverable', title: 'Row event cannot be decoded', hint: 'The stream stops at the event (it cannot be dead-lettered without its data). It was likely written before binlog_row_metadata=FULL was set: move the checkpoint past it with `sluice position set`, then resnapshot the table.' },
  SLUICE_2011: { kind: 'fatal', title: 'Invalid start position', hint: 'Use latest, FILE:POS (e.g. mysql-bin.000003:4) or gtid:DOMAIN-SERVER-SEQ.' },

  SLUICE_3001: { kind: 'backoff', title: 'Target unreachable', hint: 'Check the target address and that it is running; Sluice retries with backoff.' },
  SLUICE_3002: { kind: 'unrecoverable', title: 'Target rejected the data', hint: 'Inspect the dead-letter entry for the rejected rows and the reason; fix the rule or the target, then replay.' },
  SLUICE_3003: { kind: 'backoff', title: 'Target timed out', hint: 'Raise the target timeout or lower the batch size if this repeats.' },
  SLUICE_3004: { kind: 'fatal', title: 'Unknown target type', hint: 'Use one of the registered target types listed in docs/config-reference.md.' },
  SLUICE_3005: { kind: 'retryable', title: 'Target returned a server error', hint: 'Sluice retries; check the target logs if this repeats.' },
  SLUICE_3006: { kind: 'unrecoverable', title: 'Row has no value for the key', hint: 'The key column is missing or NULL; fix the key settings of the rule.' },

  SLUICE_4001: { kind: 'fatal', title: 'Batch dead-lettered and policy is stop', hint: 'Inspect the dead-letter store, fix the cause, then restart; the checkpoint did not pass the failed batch.' },
  SLUICE_4002: { kind: 'fatal', title: 'Pipeline aborted', hint: 'See the preceding error for the cause.' },

  SLUICE_5001: { kind: 'backoff', title: 'Metadata store unavailable', hint: 'Check the metadata store connection (metadata.url) and disk space.' },
  SLUICE_5002: { kind: 'fatal', title: 'Metadata store schema is newer than this Sluice', hint: 'Upgrade Sluice; the store was migrated by a newer version.' },

  SLUICE_6001: { kind: 'fatal', title: 'Invalid command-line argument', hint: 'Run `sluice help <command>` for the accepted arguments.' },

  SLUICE_7001: { kind: 'backoff', title: 'SQL database unreachable', hint: 'Check the connection (url or host, port, user, password, database, file) and that the server accepts connections from this host; Sluice retries with backoff.' },
  SLUICE_7002: { kind: 'unrecoverable', title: 'SQL database rejected the rows', hint: "A value breaks a rule of the table (too long or out of range, NOT NULL, unique, foreign key or CHECK, invalid value). The message names the table and the database's reason; widen the column or fix the data, then sync again." },
  SLUICE_7003: { kind: 'retryable', title: 'SQL transaction conflict', hint: 'A deadlock, lock timeout, serialization failure or busy database; Sluice retries. Lower the number of sync workers if this repeats.' },
  SLUICE_7004: { kind: 'fatal', title: 'SQL statement failed', hint: "The message names the table and the database's reason (missing table or column, privileges, syntax of a `where` filter); fix it and run again." },
  SLUICE_7101: { kind: 'fatal', title: 'Sync task cannot run as configured', hint: 'Fix the named setting of the sync task (connection, table, key or column names); the message says what exists.' },
  SLUICE_7102: { kind: 'fatal', title: 'Too many rows rejected by the target', hint: 'Each rejected row is in the report and in sluice_sync_rejects with the reason. Fix the target schema or the data, or raise maxErrors; the next run resumes.' },
  SLUICE_7103: { kind: 'fatal', title: 'goshift task cannot be read', hint: 'Check the goshift JSON config, the task table and id, and that the named environment variables are set.' },
  SLUICE_7104: { kind: 'fatal', title: 'cupid-go config cannot be read', hint: 'Check the JSON file given with --cupid-config: src (dsn, table, byColumn) and des[] (dsn, table, columns, byColumn).' },
  SLUICE_7201: { kind: 'fatal', title: 'Jobs cannot be scheduled as defined', hint: 'The message lists each problem with its path (unknown or repeated parent, dependency cycle, invalid schedule, unknown verify task); fix the jobs in the config file and start `sluice schedule` again.' },
  SLUICE_7202: { kind: 'fatal', title: 'Unknown job', hint: 'The job is neither in the config file given with -c nor in the metadata store; `sluice jobs list -c FILE` shows the jobs there are.' },
  SLUICE_7220: { kind: 'fatal', title: 'Job template names an unknown value', hint: 'A `{{name}}` in the job\'s http path, query, headers, body or cancelPath is neither a fire field (fireId, jobId, attempt, scheduledAt, deadline, shardIndex, shardTotal, shardItem, shardItems) nor a key of `params`; fix the job or pass the parameter.' },
  SLUICE_7221: { kind: 'backoff', title: 'Executor unreachable', hint: 'The connection to the executor failed (refused, reset, DNS). Check that it runs and listens on the configured URL; the attempt is retried on the next executor when `failover` is on.' },
  SLUICE_7222: { kind: 'retryable', title: 'Executor failed the call', hint: 'It answered 5xx, 408 or 429, or its response failed the `http.expect` check; the response excerpt is in the attempt log. The attempt is retried per `retry`.' },
  SLUICE_7223: { kind: 'unrecoverable', title: 'Executor rejected the request', hint: 'It answered 4xx (other than 408/429): the request itself is wrong (path, method, parameters, signature), so it is not retried. Fix the job or the executor, then run it again (`sluice jobs run-now`).' },
  SLUICE_7224: { kind: 'backoff', title: 'Attempt timed out', hint: 'The executor did not finish within the job\'s `timeout` (an async executor did not post its result). With `http.cancelPath` it was asked to stop. Raise `timeout` or speed up the executor; the attempt is retried per `retry`.' },
  SLUICE_7225: { kind: 'backoff', title: 'No executor online for the job', hint: 'The job has no static executors and none of its `executors.group` sent a heartbeat within `scheduler.heartbeatTimeout`. Start an executor or check its heartbeats.' },
  SLUICE_7226: { kind: 'retryable', title: 'Executor reported a failure', hint: 'An async executor posted `status: failed` for the attempt; its output is in the attempt log. The attempt is retried per `retry`.' },
  SLUICE_7227: { kind: 'fatal', title: 'Built-in task of the job cannot run', hint: 'The job\'s `task` must name a `sync` (types sync, snapshot) or `verify` (type verify) task of the config (or, for sync, of the metadata store) whose connections exist.' },
  SLUICE_7228: { kind: 'fatal', title: 'Scheduler endpoint needs signing', hint: 'scheduler.listen on a non-loopback address accepts executor heartbeats and results, so it must authenticate them: set scheduler.signing (keyId, secret), or listen on 127.0.0.1.' },
} as const satisfies Record<string, CatalogEntry>;

export type ErrorCode = keyof typeof errorCatalog;
