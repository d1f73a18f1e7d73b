import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TableSchema } from '../../core/event.ts';
import { SluiceError } from '../../core/errors.ts';
import { ChangeLog, userRow } from '../../../test/conformance/change-log.ts';
import { testRule } from '../../../test/conformance/test-rule.ts';
import { buildCommands } from './commands.ts';
import { redisOptionsSchema } from './schema.ts';

/** A change log whose rule has the target defaults merged with `mapping`, as the rule compiler does. */
function logFor(mapping: Record<string, unknown>, schema?: TableSchema): ChangeLog {
  return new ChangeLog(testRule({ ...redisOptionsSchema.parse({}), ...mapping }), schema);
}

const json = (id: number, version = 0) => JSON.stringify(userRow(id, version));

describe('string', () => {
  it('SETs the encoded row, DELs on delete and when an update moves the key', () => {
    const log = logFor({ structure: 'string', keyPrefix: 'u:' });
    const insert = log.insert(userRow(1));
    const update = log.update(userRow(1), { note: 'x' });
    const move = log.update(userRow(1), { id: 2 });
    const remove = log.delete(userRow(2));
    assert.deepStrictEqual(buildCommands([insert, update, move, remove]), [
      ['SET', 'u:1', json(1)],
      ['SET', 'u:1', JSON.stringify({ ...userRow(1), note: 'x' })],
      ['DEL', 'u:1'],
      ['SET', 'u:2', JSON.stringify({ ...userRow(1), note: 'x', id: 2 })],
      ['DEL', 'u:2'],
    ]);
  });

  it('takes the key from keyTemplate or keyColumn', () => {
    const row = userRow(1);
    assert.deepStrictEqual(buildCommands([logFor({ structure: 'string', keyTemplate: 'user:{{id}}:{{active}}' }).insert(row)])[0]?.slice(0, 2), ['SET', 'user:1:0']);
    assert.deepStrictEqual(buildCommands([logFor({ structure: 'string', keyColumn: 'name' }).insert(row)])[0]?.slice(0, 2), ['SET', 'user 1 v0']);
  });
});

describe('hash, row mode', () => {
  it('HSETs non-null columns as strings and HDELs null ones', () => {
    const log = logFor({ keyPrefix: 'u:' });
    assert.deepStrictEqual(buildCommands([log.insert(userRow(1)), log.update(userRow(1), { note: 'n', active: true, tags: null })]), [
      ['HSET', 'u:1', 'id', '1', 'name', 'user 1 v0', 'score', '1', 'balance', '1.00', 'active', '0', 'tags', '{"version":0,"labels":["a","b1"]}'],
      ['HDEL', 'u:1', 'note'],
      ['HSET', 'u:1', 'id', '1', 'name', 'user 1 v0', 'score', '1', 'balance', '1.00', 'active', 'true', 'note', 'n'],
      ['HDEL', 'u:1', 'tags'],
    ]);
  });

  it('DELs the row hash on delete and the old hash when the key changes', () => {
    const log = logFor({});
    log.insert(userRow(1, 1));
    assert.deepStrictEqual(buildCommands([log.update(userRow(1), { id: 5 }), log.delete(userRow(5))]), [
      ['DEL', '1'],
      ['HSET', '5', 'id', '5', 'name', 'user 1 v1', 'score', '1.25', 'balance', '1.01', 'active', '1', 'tags', '{"version":1,"labels":["a","b1"]}', 'note', 'note 1'],
      ['DEL', '5'],
    ]);
  });

  it('joins a composite primary key with ":"', () => {
    const schema: TableSchema = { db: 'd', table: 't', columns: [{ name: 'a', type: 'int' }, { name: 'b', type: 'varchar' }], primaryKey: ['a', 'b'] };
    assert.deepStrictEqual(buildCommands([logFor({ keyPrefix: 't:' }, schema).insert({ a: 1, b: 'x' })]), [['HSET', 't:1:x', 'a', '1', 'b', 'x']]);
  });
});

describe('hash, field mode', () => {
  it('HSETs one field per row and HDELs the old field when it changes', () => {
    const log = logFor({ key: 'users', hashFieldPrefix: 'f', keyPrefix: 'p:' });
    const insert = log.insert(userRow(1));
    const move = log.update(userRow(1), { id: 3 });
    assert.deepStrictEqual(buildCommands([insert, move, log.delete(userRow(3))]), [
      ['HSET', 'p:users', 'f1', json(1)],
      ['HDEL', 'p:users', 'f1'],
      ['HSET', 'p:users', 'f3', JSON.stringify({ ...userRow(1), id: 3 })],
      ['HDEL', 'p:users', 'f3'],
    ]);
  });

  it('names the field by hashFieldColumn', () => {
    assert.deepStrictEqual(buildCommands([logFor({ key: 'users', hashFieldColumn: 'name' }).insert(userRow(2))]), [['HSET', 'users', 'user 2 v0', json(2)]]);
  });
});

describe('list, set, sortedset', () => {
  it('list: LREM before RPUSH, removes the old element on update and delete', () => {
    const log = logFor({ structure: 'list', key: 'l' });
    const insert = log.insert(userRow(1));
    const update = log.update(userRow(1), { name: 'n' });
    const updated = JSON.stringify({ ...userRow(1), name: 'n' });
    assert.deepStrictEqual(buildCommands([insert, update, log.delete(userRow(1))]), [
      ['LREM', 'l', '0', json(1)], ['RPUSH', 'l', json(1)],
      ['LREM', 'l', '0', json(1)], ['LREM', 'l', '0', updated], ['RPUSH', 'l', updated],
      ['LREM', 'l', '0', updated],
    ]);
  });

  it('set: SADD, SREM of the old member only when it changed, from the old templated key', () => {
    const log = logFor({ structure: 'set', keyTemplate: 's:{{active}}' });
    const insert = log.insert(userRow(1));
    const same = log.update(userRow(1), {});
    const move = log.update(userRow(1), { active: 1 });
    const moved = JSON.stringify({ ...userRow(1), active: 1 });
    assert.deepStrictEqual(buildCommands([insert, same, move, log.delete(userRow(1))]), [
      ['SADD', 's:0', json(1)], ['SADD', 's:0', json(1)],
      ['SREM', 's:0', json(1)], ['SADD', 's:1', moved],
      ['SREM', 's:1', moved],
    ]);
  });

  it('sortedset: ZADD with the score column (numbers or decimal strings), ZREM old and deleted members', () => {
    const log = logFor({ structure: 'sortedset', key: 'z', scoreColumn: 'balance' });
    const insert = log.insert(userRow(1));
    const update = log.update(userRow(1), { balance: 7.5 });
    const updated = JSON.stringify({ ...userRow(1), balance: 7.5 });
    assert.deepStrictEqual(buildCommands([insert, update, log.delete(userRow(1))]), [
      ['ZADD', 'z', '1.00', json(1)],
      ['ZREM', 'z', json(1)], ['ZADD', 'z', '7.5', updated],
      ['ZREM', 'z', updated],
    ]);
  });

  it('sortedset: a non-numeric score is rejected data naming the column', () => {
    const log = logFor({ structure: 'sortedset', key: 'z', scoreColumn: 'name' });
    assert.throws(() => buildCommands([log.insert(userRow(1))]), (err: unknown) =>
      err instanceof SluiceError && err.code === 'SLUICE_3002' && err.kind === 'unrecoverable' && /score column "name"/.test(err.message));
  });
});

describe('keys and origins', () => {
  it('a NULL key column is SLUICE_3006 naming the rule and the column', () => {
    for (const mapping of [{ keyColumn: 'note' }, { structure: 'string', keyTemplate: 'k:{{ .note }}' }, { key: 'h', hashFieldColumn: 'note' }]) {
      assert.throws(() => buildCommands([logFor(mapping).insert(userRow(1))]), (err: unknown) =>
        err instanceof SluiceError && err.code === 'SLUICE_3006' && err.details.column === 'note' && err.message.startsWith('SLUICE_3006 Row has no value for the key: targets[0].rules[0]: column "note"'));
    }
  });

  it('reports the record each command came from', () => {
    const log = logFor({});
    const origins: number[] = [];
    buildCommands([log.insert(userRow(1)), log.insert(userRow(2, 1)), log.delete(userRow(1))], origins);
    assert.deepStrictEqual(origins, [0, 0, 1, 2]);
  });
});
