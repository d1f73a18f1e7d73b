import ZongJi from '@vlasky/zongji';
import type { Connection } from 'mysql2/promise';
import { createChangeEvent, type ChangeEvent, type Op, type Transaction } from '../../core/event.ts';
import { sluiceError, type SluiceError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { ChangeSource } from '../change-source.ts';
import type { BinlogPosition, StartPosition } from '../../core/position.ts';
import { compileTableFilter, type TableMatcher } from '../../core/table-pattern.ts';
import { connectControl, connectionOptions } from './connection.ts';
import { JsonColumnIndex } from './json-columns.ts';
import type { MysqlSourceConfig } from './spec.ts';
import { TableRegistry, type TableMapInfo } from './table-registry.ts';

/** Where to (re)start reading: a stored checkpoint or a configured start position. */
export type ResumeFrom = { readonly kind: 'checkpoint'; readonly position: BinlogPosition } | StartPosition;

export interface BinlogSourceOptions {
  readonly config: MysqlSourceConfig;
  readonly from: ResumeFrom;
  readonly logger: Logger;
  /** Called for every committed transaction, in binlog order (also for ones with no captured rows, to move the checkpoint). */
  readonly onTransaction: (txn: Transaction) => void;
  /** Called once when the stream fails; the source is stopped by then. */
  readonly onError: (err: SluiceError) => void;
}

interface OpenTxn {
  id: string;
  events: ChangeEvent[];
  bytes: number;
  /** Shared by the transaction's events; filled in (then frozen) at commit. */
  position: { file: string; pos: number; gtid?: string };
}

const rowOps: Record<string, Op> = { WriteRows: 'insert', UpdateRows: 'update', DeleteRows: 'delete' };
const events = ['tablemap', 'writerows', 'updaterows', 'deleterows', 'xid', 'query', 'mariadbgtid', 'gtid', 'rotate'];

/** Replaces (or adds) one domain's entry of a MariaDB GTID position. */
function withGtid(set: string | undefined, gtid: string | undefined): string | undefined {
  if (!gtid || !/^\d+-\d+-\d+$/.test(gtid)) return set;
  const domain = gtid.split('-')[0];
  const parts = (set ?? '').split(',').filter((p) => p !== '' && p.split('-')[0] !== domain);
  return [...parts, gtid].join(',');
}

/**
 * Reads the binlog as a replica and emits whole transactions of decoded row changes.
 * Positions come from the reader's transaction-boundary bookkeeping, so a checkpoint taken from
 * an emitted transaction never points inside a transaction.
 */
export class BinlogSource implements ChangeSource {
  private readonly options: BinlogSourceOptions;
  private readonly filter: TableMatcher;
  private readonly json = new JsonColumnIndex();
  private readonly tables: TableRegistry;
  private zongji: ZongJi | undefined;
  private control: Connection | undefined;
  private txn: OpenTxn | undefined;
  private stopped = false;
  private readonly pausedFor = new Set<string>();

  constructor(options: BinlogSourceOptions) {
    this.options = options;
    this.filter = compileTableFilter(options.config.include, options.config.exclude);
    this.tables = new TableRegistry(options.config, (db, t) => this.json.get(db, t));
  }

  async start(): Promise<void> {
    const { config, from } = this.options;
    this.control = await connectControl(config).catch((err: Error) => {
      throw sluiceError('SLUICE_2001', `${config.host}:${config.port}: ${err.message}`, { cause: err });
    });
    await this.json.refresh(this.control);
    const zj = new ZongJi(connectionOptions(config) as ConstructorParameters<typeof ZongJi>[0]);
    this.zongji = zj;
    const start: Record<string, unknown> = { serverId: config.serverId, includeEvents: events };
    if (from.kind === 'checkpoint') {
      if (from.position.gtid) start.gtidSet = from.position.gtid;
      else Object.assign(start, { filename: from.position.file, position: from.position.pos });
    } else if (from.kind === 'gtid') start.gtidSet = from.gtid;
    else if (from.kind === 'file') Object.assign(start, { filename: from.file, position: from.pos });
    else if (from.kind === 'earliest') {
      const [logs] = await this.control.query('SHOW BINARY LOGS');
      const first = (logs as { Log_name: string }[])[0];
      if (!first) throw sluiceError('SLUICE_2002', 'the server lists no binary logs');
      Object.assign(start, { filename: first.Log_name, position: 4 });
    } else start.startAtEnd = true;

    await new Promise<void>((resolve, reject) => {
      let ready = false;
      zj.on('ready', () => {
        ready = true;
        resolve();
      });
      zj.on('error', (err: Error & { code?: string; errno?: number }) => {
        const mapped = this.mapError(err);
        if (!ready) reject(mapped);
        else this.fail(mapped);
      });
      zj.on('binlog', (e: unknown) => {
        try {
          this.handle(e as BinlogEvent);
        } catch (err) {
          this.fail(err instanceof Error && 'code' in err ? (err as SluiceError) : sluiceError('SLUICE_2010', String((err as Error).message ?? err), { cause: err }));
        }
      });
      zj.start(start as Parameters<ZongJi['start']>[0]);
    });
  }

  /** Stops reading from the server (backpressure); transactions already emitted stay valid. */
  pause(reason = 'backpressure'): void {
    this.pausedFor.add(reason);
    (this.zongji as unknown as { connection?: { pause(): void } })?.connection?.pause();
  }

  /** Resumes reading once no reason to pause (backpressure, a schema refresh) is left. */
  resume(reason = 'backpressure'): void {
    this.pausedFor.delete(reason);
    if (this.pausedFor.size === 0) (this.zongji as unknown as { connection?: { resume(): void } })?.connection?.resume();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.zongji?.stop();
    await this.control?.end().catch(() => undefined);
  }

  private fail(err: SluiceError): void {
    if (this.stopped) return;
    void this.stop();
    this.options.onError(err);
  }

  private mapError(err: Error & { code?: string; errno?: number }): SluiceError {
    const text = `${err.code ?? ''} ${err.message}`;
    if (err.errno === 1236 || /1236|could not find first log|purged/i.test(text)) {
      return sluiceError('SLUICE_2008', err.message, { cause: err });
    }
    if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|ER_ACCESS_DENIED/.test(text)) {
      return sluiceError('SLUICE_2001', err.message, { cause: err });
    }
    return sluiceError('SLUICE_2009', err.message, { cause: err });
  }

  private position(gtid?: string): BinlogPosition {
    const zj = this.zongji as unknown as { options: { filename: string; position: number }; gtidSet?: string };
    const g = gtid ?? zj.gtidSet;
    return g ? { file: zj.options.filename, pos: zj.options.position, gtid: g } : { file: zj.options.filename, pos: zj.options.position };
  }

  private open(e: BinlogEvent): OpenTxn {
    if (!this.txn) {
      const zj = this.zongji as unknown as { options: { filename: string; position: number } };
      this.txn = { id: e.gtid ?? `${zj.options.filename}:${zj.options.position}`, events: [], bytes: 0, position: { file: '', pos: 0 } };
    }
    return this.txn;
  }

  private commit(e: BinlogEvent, position: BinlogPosition): void {
    const txn = this.txn;
    this.txn = undefined;
    if (!txn) {
      this.options.onTransaction({ id: e.gtid ?? `${position.file}:${position.pos}`, events: [], position, commitTime: e.timestamp, bytes: 0 });
      return;
    }
    const shared = Object.freeze(Object.assign(txn.position, position));
    this.options.onTransaction({ id: txn.id, events: txn.events, position: shared, commitTime: e.timestamp, bytes: txn.bytes });
  }

  private handle(e: BinlogEvent): void {
    const type = e.getTypeName();
    switch (type) {
      case 'MariadbGtid':
      case 'Gtid':
        this.txn = undefined;
        this.open(e);
        return;
      case 'TableMap':
        this.tables.register(e as unknown as TableMapInfo);
        return;
      case 'WriteRows':
      case 'UpdateRows':
      case 'DeleteRows':
        this.rows(e, rowOps[type]!);
        return;
      case 'Xid':
        this.commit(e, this.position());
        return;
      case 'Query':
        this.query(e);
        return;
      default:
        return;
    }
  }

  private rows(e: BinlogEvent, op: Op): void {
    const version = this.tables.get(e.tableId!);
    if (!version) throw sluiceError('SLUICE_2010', `row event for unknown table id ${e.tableId}`);
    const { schema } = version;
    if (!this.filter(schema.db, schema.table)) return;
    const txn = this.open(e);
    txn.bytes += e.size;
    for (const raw of e.rows!) {
      const before = op === 'insert' ? null : version.decode((op === 'update' ? (raw as UpdateRow).before : raw) as Record<string, unknown>);
      const after = op === 'delete' ? null : version.decode((op === 'update' ? (raw as UpdateRow).after : raw) as Record<string, unknown>);
      txn.events.push(createChangeEvent({
        txnId: txn.id, index: txn.events.length, op, schema, before, after, position: txn.position, commitTime: e.timestamp,
      }));
    }
  }

  private query(e: BinlogEvent): void {
    const sql = (e.query ?? '').trim();
    if (/^BEGIN$/i.test(sql)) {
      this.txn = undefined;
      this.open(e);
      return;
    }
    if (/^COMMIT$/i.test(sql)) {
      this.commit(e, this.position());
      return;
    }
    // DDL (or a statement-logged change): its own transaction. Refresh what schema-derived state we cache.
    this.txn = undefined;
    const zj = this.zongji as unknown as { options: { filename: string }; gtidSet?: string };
    const position: BinlogPosition = { file: zj.options.filename, pos: e.nextPosition };
    const gtid = withGtid(zj.gtidSet, e.gtid);
    if (/^\s*(ALTER|CREATE|DROP|RENAME)\s/i.test(sql) && this.control) {
      this.pause('schema-refresh');
      const control = this.control;
      void this.json.refresh(control).catch((err: Error) => this.options.logger.warn({ err }, 'JSON column refresh failed'))
        .finally(() => this.resume('schema-refresh'));
    }
    this.commit(e, gtid ? { ...position, gtid } : position);
  }
}

interface UpdateRow {
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

interface BinlogEvent {
  getTypeName(): string;
  timestamp: number;
  nextPosition: number;
  size: number;
  gtid?: string;
  tableId?: number;
  rows?: unknown[];
  query?: string;
}
