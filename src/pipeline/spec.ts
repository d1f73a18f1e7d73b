import { z } from 'zod';
import { duration, size } from '../core/units.ts';

export const pipelineSchema = z.object({
  batch: z.object({
    maxRows: z.number().int().min(1).default(1000).meta({ description: 'Rows per target write. A batch always ends on a transaction boundary, so one large transaction may exceed it (it is then written in slices and checkpointed once).' }),
    maxBytes: size().default(4 * 1024 * 1024).meta({ description: 'Binlog bytes per batch, e.g. "4MiB".' }),
    flushInterval: duration().default(100).meta({ description: 'Longest time a change waits for its batch to fill, e.g. "100ms".' }),
  }).strict().default({ maxRows: 1000, maxBytes: 4 * 1024 * 1024, flushInterval: 100 }).meta({ description: 'How changes are grouped into target writes.' }),
  queue: z.object({
    maxBytes: size().default(16 * 1024 * 1024).meta({ description: 'Binlog bytes read ahead of the targets; above it Sluice stops reading (backpressure). Decoded rows take roughly 20× their binlog size on the heap, so 16MiB ≈ 300 MB.' }),
  }).strict().default({ maxBytes: 16 * 1024 * 1024 }).meta({ description: 'Read-ahead between the binlog reader and the targets.' }),
  maxInFlight: z.number().int().min(1).max(64).default(4).meta({ description: 'Batches being written at once. Targets with one ordered connection (Redis) pipeline them, so the next batch travels while the previous one is applied; the checkpoint still advances in order. Targets whose writes are not ordered (HTTP) take one at a time regardless.' }),
  retry: z.object({
    attempts: z.number().int().min(1).default(8).meta({ description: 'Write attempts per batch before the failure policy applies.' }),
    initialDelay: duration().default(200).meta({ description: 'Delay before the first retry; doubles each attempt, with full jitter.' }),
    maxDelay: duration().default(30_000).meta({ description: 'Upper bound of one retry delay.' }),
  }).strict().default({ attempts: 8, initialDelay: 200, maxDelay: 30_000 }).meta({ description: 'Retries of a failed target write.' }),
  onFailure: z.enum(['dlq', 'stop']).default('dlq').meta({ description: '`dlq`: a batch that still fails goes to the dead-letter store and the stream goes on. `stop`: the pipeline stops before the batch, without moving the checkpoint past it.' }),
  checkpointInterval: duration().default(1000).meta({ description: 'How often the acknowledged position is persisted (and always on shutdown).' }),
}).strict();

export type PipelineConfig = z.output<typeof pipelineSchema>;
