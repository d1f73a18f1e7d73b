import { createChangeEvent, type Row, type TableSchema } from '../../core/event.ts';
import { silentLogger } from '../../core/logger.ts';
import type { CompiledRule } from '../../rules/compiled-rule.ts';
import type { Sink, SinkRecord } from '../types.ts';
import { httpSpec, type HttpOptions } from './spec.ts';

export const ordersSchema: TableSchema = {
  db: 'shop',
  table: 'orders',
  columns: [{ name: 'id', type: 'int' }, { name: 'status', type: 'varchar' }],
  primaryKey: ['id'],
};

/** A CompiledRule with no column rules: identity transform, JSON encoding, the given mapping. */
export function testRule(mapping: Readonly<Record<string, unknown>>): CompiledRule {
  return {
    label: 'targets[0].rules[0]',
    matches: () => true,
    transform: (row: Row) => row,
    encode: (row: Row) => JSON.stringify(row),
    render: (template: string) => template,
    mapping,
  };
}

/** Inserts of orders 1..count, one transaction per order, as records of `rule`. */
export function insertRecords(rule: CompiledRule, count: number, firstId = 1): SinkRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const id = firstId + i;
    const after = { id, status: 'new' };
    const event = createChangeEvent({
      txnId: `0-1-${id}`,
      index: 0,
      op: 'insert',
      schema: ordersSchema,
      before: null,
      after,
      position: { file: 'mysql-bin.000003', pos: 1000 + id, gtid: `0-1-${id}` },
      commitTime: Date.UTC(2026, 10, 22, 4, 57, id),
    });
    return { event, rule, row: rule.transform(after, ordersSchema), before: null, key: event.key };
  });
}

/** An HTTP target built the way the runtime builds it: parsed options, then the lazy factory. */
export async function httpTarget(input: Record<string, unknown>): Promise<{ sink: Sink; rule: CompiledRule; options: HttpOptions }> {
  const options = httpSpec.options.parse(input);
  const sink = await httpSpec.createSink(options, { name: 'webhook', logger: silentLogger });
  return { sink, rule: testRule(options), options };
}
