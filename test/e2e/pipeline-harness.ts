import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/load-config.ts';
import { sluiceConfigSchema, storeUrl, type SluiceConfig } from '../../src/config/sluice-config.ts';
import { createLogger } from '../../src/core/logger.ts';
import { Metrics } from '../../src/core/metrics.ts';
import { StreamPipeline } from '../../src/pipeline/stream-pipeline.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { MetadataStore } from '../../src/store/metadata-store.ts';
import type { MariaDbServer } from '../services/mariadb.ts';

export interface RunningPipeline {
  readonly config: SluiceConfig;
  readonly store: MetadataStore;
  readonly metrics: Metrics;
  /** Rejects if the pipeline failed. */
  readonly done: Promise<void>;
  /** Graceful stop (as on SIGTERM): finish in flight, save the checkpoint. */
  stop(): Promise<void>;
}

/** The `source:` block for a harness MariaDB. */
export function sourceFor(db: MariaDbServer, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'mariadb', host: db.host, port: db.port, user: db.user, password: db.password, serverId: 5000 + Math.floor(Math.random() * 1000), ...extra };
}

/** Writes `config` as YAML text, validates it like the CLI does, and runs the pipeline in-process. */
export async function startPipeline(config: Record<string, unknown>): Promise<RunningPipeline> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sluice-e2e-'));
  const parsed = parseConfig(sluiceConfigSchema, stringify({ dataDir, pipeline: { batch: { flushInterval: '20ms' } }, ...config }), 'e2e.yaml');
  const store = await openStore(storeUrl(parsed));
  const metrics = new Metrics();
  const controller = new AbortController();
  const logger = createLogger({ level: process.env.SLUICE_TEST_LOG ?? 'warn' });
  let started!: () => void;
  const ready = new Promise<void>((resolve) => (started = resolve));
  const pipeline = new StreamPipeline(parsed, { store, metrics, logger, onStarted: () => started() });
  const done = pipeline.run(controller.signal);
  done.catch(() => undefined);
  await Promise.race([ready, done]);
  return {
    config: parsed, store, metrics, done,
    async stop() {
      controller.abort();
      try {
        await done;
      } finally {
        await store.close();
      }
    },
  };
}

export async function eventually<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
