import type { Logger } from '../core/logger.ts';

/** Progress of one table: rows copied against the estimate. */
export interface TableProgress {
  begin(estimatedRows: number, alreadyDone: number): void;
  add(rows: number): void;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function eta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Reports a table copy: a redrawn progress bar (rows, rows/s, ETA) when stderr is a terminal,
 * otherwise one structured log line every `logEveryMs`.
 */
export class SyncProgress implements TableProgress {
  private readonly table: string;
  private readonly logger: Logger;
  private readonly tty: NodeJS.WriteStream | undefined;
  private readonly logEveryMs: number;
  private estimate = 0;
  private done = 0;
  private startedAt = Date.now();
  private startDone = 0;
  private lastDraw = 0;

  constructor(table: string, logger: Logger, options: { tty?: NodeJS.WriteStream; logEveryMs?: number } = {}) {
    this.table = table;
    this.logger = logger;
    this.tty = options.tty;
    this.logEveryMs = options.logEveryMs ?? 5000;
  }

  begin(estimatedRows: number, alreadyDone: number): void {
    this.estimate = estimatedRows;
    this.done = this.startDone = alreadyDone;
    this.startedAt = Date.now();
  }

  add(rows: number): void {
    this.done += rows;
    const now = Date.now();
    if (now - this.lastDraw >= (this.tty ? 200 : this.logEveryMs)) {
      this.lastDraw = now;
      this.report(false);
    }
  }

  /** Final line for the table. */
  end(): void {
    this.report(true);
  }

  private report(final: boolean): void {
    const secs = (Date.now() - this.startedAt) / 1000;
    const rate = (this.done - this.startDone) / Math.max(secs, 0.001);
    const total = Math.max(this.estimate, this.done);
    const ratio = final ? 1 : total > 0 ? this.done / total : 0;
    const left = final ? 0 : (total - this.done) / rate;
    if (this.tty) {
      const width = 24;
      const bar = '█'.repeat(Math.round(ratio * width)).padEnd(width, '░');
      this.tty.write(`\r${this.table} ${bar} ${(ratio * 100).toFixed(0).padStart(3)}%  ${fmt(this.done)}/${final ? fmt(this.done) : `~${fmt(total)}`} rows  ${fmt(rate)} rows/s  ETA ${eta(left)}   ${final ? '\n' : ''}`);
    } else {
      this.logger.info({ table: this.table, rows: this.done, estimatedRows: total, rowsPerSecond: Math.round(rate), etaSeconds: Math.round(left) }, final ? 'table copied' : 'sync progress');
    }
  }
}
