import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { Row } from '../../src/core/event.ts';
import { SluiceError } from '../../src/core/errors.ts';
import type { Sink, SinkRecord } from '../../src/connectors/types.ts';
import type { CompiledRule } from '../../src/rules/compiled-rule.ts';
import { ChangeLog, userRow } from './change-log.ts';

/** How the suite drives one sink against its real server. Rows are `usersSchema` rows. */
export interface SinkHarness {
  /** Starts the server (once per suite). */
  start(): Promise<void>;
  /** Stops the server; runs even when tests failed. */
  stop(): Promise<void>;
  /** Empties the target before each test. */
  reset(): Promise<void>;
  /** The rule every record carries; its mapping is the sink's mapping. */
  readonly rule: CompiledRule;
  /** A new sink, not yet opened; the suite opens and closes it. */
  createSink(): Promise<Sink>;
  /** What the target holds: key → row as stored (null for a tombstone). */
  readState(): Promise<Map<string, Row | null>>;
  /** Where a source row (last image) lands and how the target holds it. */
  expected(row: Row): { key: string; value: Row };
  /** Drops the sink's connection server-side (e.g. CLIENT KILL). */
  disconnect(): Promise<void>;
}

export interface ConformanceOptions {
  /** Records in the large-batch test; default 20,000. */
  readonly largeBatch?: number;
}

/** Writes, retrying while the sink reports a retryable or backoff SluiceError; returns those errors. */
export async function writeWithRetry(sink: Sink, records: readonly SinkRecord[], attempts = 100): Promise<SluiceError[]> {
  const failures: SluiceError[] = [];
  for (;;) {
    try {
      await sink.write(records);
      return failures;
    } catch (err) {
      assert.ok(err instanceof SluiceError, `write failed with a non-Sluice error: ${String(err)}`);
      assert.ok(err.kind === 'backoff' || err.kind === 'retryable', `write failed with a ${err.kind} error: ${err.message}`);
      failures.push(err);
      if (failures.length >= attempts) throw err;
      await delay(100);
    }
  }
}

/**
 * Registers the conformance tests every sink must pass against its real server: per-key order,
 * idempotent replay, recovery after a dropped connection, and large batches arriving complete.
 */
export function sinkConformance(name: string, harness: SinkHarness, options: ConformanceOptions = {}): void {
  describe(`${name} sink conformance`, { timeout: 120_000 }, () => {
    let sink: Sink | undefined;

    before(async () => {
      await harness.start();
      sink = await harness.createSink();
      await sink.open();
    });

    after(async () => {
      try {
        await sink?.close();
      } finally {
        await harness.stop();
      }
    });

    beforeEach(() => harness.reset());

    const opened = (): Sink => {
      assert.ok(sink, 'sink was not created');
      return sink;
    };

    /** The target holds exactly the live last images; deleted rows are absent or tombstones. */
    async function assertState(log: ChangeLog): Promise<void> {
      const expected = new Map<string, Row>();
      for (const image of log.finalImages()) {
        const { key, value } = harness.expected(image.row);
        if (image.deleted) expected.delete(key);
        else expected.set(key, value);
      }
      const live = new Map([...(await harness.readState())].filter((entry): entry is [string, Row] => entry[1] !== null));
      assert.deepStrictEqual(live, expected);
    }

    it('applies several changes of one key in batch order', async () => {
      const log = new ChangeLog(harness.rule);
      const batch = [
        log.insert(userRow(1)), log.insert(userRow(2)),
        log.update(userRow(1), { name: 'renamed' }), log.insert(userRow(3)),
        log.update(userRow(1), { note: 'set', score: 99.5 }), log.update(userRow(2), { note: null }),
        log.update(userRow(1), { note: null }), log.delete(userRow(1)), log.delete(userRow(3)),
        log.insert(userRow(1, 7)), log.update(userRow(1), { name: 'final' }),
        log.update(userRow(2), { id: 20 }), log.insert(userRow(4, 1)), log.update(userRow(4), { tags: [1, 2], note: null }),
      ];
      await opened().write(batch);
      await assertState(log);
    });

    it('leaves the target unchanged when batches are replayed', async () => {
      const log = new ChangeLog(harness.rule);
      const first = [log.insert(userRow(1, 1)), log.insert(userRow(2)), log.insert(userRow(3)), log.update(userRow(2), { name: 'x' })];
      const second = [log.update(userRow(1), { note: null }), log.delete(userRow(3)), log.update(userRow(2), { id: 22 }), log.insert(userRow(5))];
      await opened().write(first);
      await opened().write(second);
      const state = await harness.readState();
      await opened().write(first);
      await opened().write(second);
      assert.deepStrictEqual(await harness.readState(), state);
      await assertState(log);
    });

    it('recovers after the connection drops, losing nothing', async () => {
      const log = new ChangeLog(harness.rule);
      await opened().write([log.insert(userRow(1)), log.insert(userRow(2))]);
      await harness.disconnect();
      await writeWithRetry(opened(), [log.update(userRow(1), { name: 'after drop' }), log.insert(userRow(3))]);
      const big = Array.from({ length: 5000 }, (_, i) => log.insert(userRow(100 + i)));
      const inFlight = writeWithRetry(opened(), big);
      await harness.disconnect();
      await inFlight;
      await writeWithRetry(opened(), [log.delete(userRow(2))]);
      await assertState(log);
    });

    it('writes a large batch completely', async () => {
      const log = new ChangeLog(harness.rule);
      const count = options.largeBatch ?? 20_000;
      const batch = Array.from({ length: count }, (_, i) => log.insert(userRow(i + 1, i)));
      for (let i = 1; i <= count; i += 97) batch.push(log.update(userRow(i), { name: `updated ${i}` }));
      await opened().write(batch);
      await assertState(log);
    });
  });
}
