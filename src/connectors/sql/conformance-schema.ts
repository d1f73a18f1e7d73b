import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConformanceFixture } from './engine-conformance.ts';
import type { EngineKind, SqlColumn } from './sql-engine.ts';

/** Columns as PostgreSQL describes them: what createTable gets from another engine. */
const foreignColumns: SqlColumn[] = [
  { name: 'id', type: 'bigint', family: 'integer', nullable: false, length: 19 },
  { name: 'code', type: 'character varying(40)', family: 'string', nullable: false, length: 40 },
  { name: 'price', type: 'numeric(12,2)', family: 'decimal', nullable: true, length: 12, scale: 2 },
  { name: 'ratio', type: 'double precision', family: 'float', nullable: true, length: 53 },
  { name: 'active', type: 'boolean', family: 'boolean', nullable: true },
  { name: 'note', type: 'text', family: 'string', nullable: true },
  { name: 'raw', type: 'bytea', family: 'binary', nullable: true },
  { name: 'day', type: 'date', family: 'date', nullable: true },
  { name: 'local_at', type: 'timestamp(6) without time zone', family: 'datetime', nullable: true, length: 6 },
  { name: 'at', type: 'timestamp(3) with time zone', family: 'timestamp', nullable: true, length: 3 },
  { name: 'clock', type: 'time(6) without time zone', family: 'time', nullable: true, length: 6 },
  { name: 'doc', type: 'jsonb', family: 'json', nullable: true },
];

export function schemaConformance(kind: EngineKind, fx: ConformanceFixture): void {
  test('describe: columns in order with families, nullability, lengths and the primary key', async () => {
    const info = await fx.engine.describe({ name: 'items' });
    assert.ok(info);
    assert.equal(info.ref.name, 'items');
    assert.deepEqual(info.columns.map((c) => [c.name, c.family, c.nullable]), [
      ['id', 'integer', false], ['name', 'string', false], ['status', 'string', true], ['qty', 'integer', true],
    ]);
    assert.equal(info.columns[1]!.length, 20);
    assert.deepEqual(info.primaryKey, ['id']);
    assert.ok(Number.isInteger(info.estimatedRows) && info.estimatedRows >= 0);
  });

  test('describe: a composite primary key in key order; a missing table is undefined', async () => {
    const pairs = await fx.engine.describe({ name: 'pairs' });
    assert.deepEqual(pairs?.primaryKey, ['grp', 'code']);
    assert.equal(await fx.engine.describe({ name: 'no_such_table' }), undefined);
  });

  test('listTables: base tables of the default schema, sorted by name', async () => {
    const names = (await fx.engine.listTables()).map((t) => t.name);
    const fixtures = ['empty_t', 'events', 'items', 'modes', 'pair_modes', 'pairs', 'short'];
    assert.deepEqual(names.filter((n) => fixtures.includes(n)), fixtures);
    assert.deepEqual([...names].sort(), names);
  });

  test('now: the database clock as a UTC timestamp with microseconds', async () => {
    const now = await fx.engine.now();
    assert.match(now, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    const ms = Date.parse(now.replace(' ', 'T'));
    assert.ok(Math.abs(ms - Date.now()) < 60_000, `${now} is not close to the client clock`);
  });

  test('createTable: columns from another engine keep their family, key and values', async () => {
    const table = { name: 'from_pg' };
    await fx.engine.createTable(table, foreignColumns, ['id']);
    const info = await fx.engine.describe(table);
    assert.ok(info);
    assert.deepEqual(info.primaryKey, ['id']);
    // MySQL's TIMESTAMP ends in 2038: a timestamptz becomes DATETIME holding UTC (docs/sync-types.md).
    const expected = foreignColumns.map((c) => (kind === 'mysql' && c.name === 'at' ? 'datetime' : c.family));
    assert.deepEqual(info.columns.map((c) => c.family), expected);
    assert.deepEqual(info.columns.map((c) => c.nullable), foreignColumns.map((c) => c.nullable));
    assert.equal(info.columns.find((c) => c.name === 'code')?.length, 40);
    const row = [
      '9007199254740993', 'k-1', '1234567890.12', 0.5, true, 'long text ✓', new Uint8Array([0, 1, 254, 255]),
      '2024-02-29', '2024-02-29 23:59:59.123456', '2024-02-29 12:34:56.789Z', '13:14:15.5', '{"a":[1,2]}',
    ];
    await fx.engine.transaction((w) => w.write(table, foreignColumns.map((c) => c.name), ['id'], [row], 'insert'));
    const [back] = await fx.engine.readRange(table, foreignColumns.map((c) => c.name), ['id'], {});
    assert.ok(back);
    const expectBack = [...row];
    expectBack[4] = kind === 'postgres' ? true : 1; // BOOLEAN reads 0/1 where it is an integer type
    expectBack[6] = Buffer.from([0, 1, 254, 255]);
    if (kind === 'mysql') expectBack[9] = '2024-02-29 12:34:56.789';
    const bytes = (v: unknown) => (v instanceof Uint8Array ? Buffer.from(v) : v);
    assert.deepEqual([...back.slice(0, 11).map(bytes), JSON.parse(back[11] as string)], [...expectBack.slice(0, 11), { a: [1, 2] }]);
  });
}
