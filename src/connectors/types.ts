import type { z } from 'zod';
import type { ChangeEvent, Row, Value } from '../core/event.ts';
import type { Logger } from '../core/logger.ts';
import type { CompiledRule } from '../rules/compiled-rule.ts';

/**
 * One row change as a target sees it: the source event plus the rule-transformed rows.
 * `row` is the new image (null for delete), `before` the old image (null for insert).
 */
export interface SinkRecord {
  readonly event: ChangeEvent;
  readonly rule: CompiledRule;
  /** Transformed new row (rules applied); null for deletes. */
  readonly row: Row | null;
  /** Transformed old row; null for inserts. */
  readonly before: Row | null;
  /** Primary key values of the source row, in key order. */
  readonly key: readonly Value[];
}

export interface SinkContext {
  /** Target name from the config (unique within a pipeline). */
  readonly name: string;
  readonly logger: Logger;
}

/**
 * A target. `write` resolves only when the target has acknowledged every record of the batch;
 * it throws a SluiceError whose class says whether to retry, back off or dead-letter.
 * Writes must be idempotent: replaying a batch leaves the target unchanged.
 */
export interface Sink {
  /**
   * True when writes started one after another are applied in that order even while earlier ones
   * are still in flight (one ordered connection, as Redis has). The runner then pipelines writes;
   * otherwise it starts a write only after the previous one was acknowledged.
   */
  readonly ordered: boolean;
  open(signal?: AbortSignal): Promise<void>;
  write(records: readonly SinkRecord[], signal?: AbortSignal): Promise<void>;
  /** Cheap reachability probe used by `sluice check`. */
  ping(signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/**
 * A connector's single source of truth: the config schema (validation, generated docs, UI forms)
 * and a lazy factory so a target's client library loads only when the target is used.
 */
export interface ConnectorSpec<Options extends z.ZodType = z.ZodType, Mapping extends z.ZodType = z.ZodType> {
  readonly type: string;
  readonly title: string;
  /** Markdown paragraph for the reference docs. */
  readonly description: string;
  /** Schema of `targets[i].<type>`: connection settings and default mapping. */
  readonly options: Options;
  /** Schema of `targets[i].rules[j].<type>`: per-table mapping overrides (a partial of options). */
  readonly mapping: Mapping;
  /** Example YAML block for the docs. */
  readonly example: string;
  readonly createSink: (options: z.output<Options>, context: SinkContext) => Promise<Sink>;
}

export function defineConnector<O extends z.ZodType, M extends z.ZodType>(spec: ConnectorSpec<O, M>): ConnectorSpec<O, M> {
  return spec;
}
