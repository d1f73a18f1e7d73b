import type { Transaction } from '../core/event.ts';
import type { BinlogPosition } from '../core/position.ts';

/** Consecutive whole transactions delivered to every target together, checkpointed as one. */
export interface Batch {
  readonly seq: number;
  readonly transactions: readonly Transaction[];
  readonly rows: number;
  readonly bytes: number;
  /** Resume point after the batch's last transaction. */
  readonly position: BinlogPosition;
  /** Commit time of the batch's last transaction (epoch ms). */
  readonly commitTime: number;
}
