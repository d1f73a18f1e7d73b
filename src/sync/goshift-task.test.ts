import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goshiftConnection, goshiftTask } from './goshift-task.ts';
import { syncTaskSchema } from './spec.ts';

const row = {
  id: 5, from_app: 'local_dw', from_db_type: 'mysql', from_db: 'blog', from_table: 'qcc_change_history',
  to_app: 'local_dw', to_db_type: 'mysql', to_db: 'blog', to_table: 'qcc_change_history2', online_status: 1,
  params: '{\n "pk": {"src": "id", "dest": "id"},\n "diff_column": {"src": "update_time", "dest": "update_time"},\n "worker_num": 20,\n "read_batch": 5000,\n "write_batch": 500\n}',
};

test("a goshift task row (the seed's example) becomes a sync task", () => {
  const task = goshiftTask(row);
  assert.equal(task.name, 'goshift-5');
  assert.deepEqual(task.from, { connection: 'from', schema: 'blog', tables: ['qcc_change_history'], exclude: [] });
  assert.deepEqual(task.to, { connection: 'to', schema: 'blog', table: 'qcc_change_history2', create: true });
  assert.deepEqual(task.key, ['id']);
  assert.equal(task.incremental?.column, 'update_time');
  assert.equal(task.workers, 20);
  assert.equal(task.readBatch, 5000);
  assert.equal(task.writeBatch, 500);
  assert.equal(task.mode, 'upsert', 'a re-run is safe, unlike goshift\'s plain INSERT');
});

test("the README's split form, renamed keys, and bad params", () => {
  const split = goshiftTask({ ...row, params: '{"split": {"pk": ["id"]}, "worker_num": 2}' });
  assert.deepEqual(split.key, ['id']);
  assert.equal(split.incremental, undefined);
  const renamed = goshiftTask({ ...row, params: '{"pk": {"src": "id", "dest": "src_id"}}' });
  assert.deepEqual(renamed.columns.rename, { id: 'src_id' });
  assert.throws(() => goshiftTask({ ...row, params: '{not json' }), /SLUICE_7103.*params is not JSON/);
  assert.throws(() => goshiftTask({ ...row, params: '{"worker_num": 0}' }), /SLUICE_7103.*workers/);
});

test('goshift connections read host, user and password from the environment variables they name', () => {
  const env = { DW_HOST: 'db.internal', DW_USER: 'etl', DW_PASSWORD: 's3cret' };
  const conn = { host: 'DW_HOST', user: 'DW_USER', password: 'DW_PASSWORD', db: 'blog', port: 3307, charset: 'utf8' };
  assert.deepEqual(goshiftConnection(conn, 'mysql', 'from.mysql.x', { useEnv: true, env }), {
    type: 'mysql', host: 'db.internal', user: 'etl', password: 's3cret', database: 'blog', port: 3307, pool: 8,
  });
  assert.equal(goshiftConnection(conn, 'mysql', 'x', { useEnv: false, env }).host, 'DW_HOST');
  assert.throws(() => goshiftConnection(conn, 'mysql', 'from.mysql.x', { useEnv: true, env: {} }), /SLUICE_1004.*from\.mysql\.x\.host.*DW_HOST/);
  assert.throws(() => goshiftConnection(conn, 'trino', 'x', { useEnv: false, env }), /trino/);
});

test('sync tasks accept goshift parameter names as aliases', () => {
  const task = syncTaskSchema.parse({ name: 't', from: { connection: 'a' }, to: { connection: 'b' }, worker_num: 8, read_batch: 100, write_batch: 50 });
  assert.deepEqual([task.workers, task.readBatch, task.writeBatch], [8, 100, 50]);
  assert.throws(() => syncTaskSchema.parse({ name: 't', from: { connection: 'a' }, to: { connection: 'b' }, workerz: 1 }), /workerz/);
});
