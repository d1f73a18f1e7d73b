import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { openStore } from './open-store.ts';
import type { MetadataStore } from './metadata-store.ts';

/** The same contract on every engine; MySQL and PostgreSQL are the machine's running servers. */
const urls = [
  'sqlite::memory:',
  process.env.SLUICE_TEST_MYSQL_STORE ?? 'mysql://root@127.0.0.1:3306/test',
  process.env.SLUICE_TEST_PG_STORE ?? 'postgres://postgres@127.0.0.1:5432/test',
];

for (const url of urls) {
  describe(`metadata store on ${url.split(':')[0]}`, () => {
    let store: MetadataStore;
    const pipeline = `test-${process.pid}-${Date.now()}`;
    after(async () => {
      await store.db.run('DELETE FROM sluice_checkpoints WHERE pipeline = ?', [pipeline]);
      await store.db.run('DELETE FROM sluice_dead_letters WHERE pipeline = ?', [pipeline]);
      await store.close();
    });

    test('migrates twice without error', async () => {
      store = await openStore(url);
      await store.migrate();
      const rows = await store.db.all<{ version: number }>('SELECT version FROM sluice_migrations');
      assert.ok(rows.some((r) => Number(r.version) === 1));
    });

    test('checkpoint round trip and overwrite', async () => {
      assert.equal(await store.getCheckpoint(pipeline), undefined);
      await store.saveCheckpoint(pipeline, { file: 'binlog.000001', pos: 400, gtid: '0-1-5' });
      await store.saveCheckpoint(pipeline, { file: 'binlog.000002', pos: 120, gtid: '0-1-9' });
      const cp = await store.getCheckpoint(pipeline);
      assert.deepEqual(cp?.position, { file: 'binlog.000002', pos: 120, gtid: '0-1-9' });
    });

    test('dead letters keep the whole payload', async () => {
      const events = [{ id: 'a#0', op: 'insert', after: { id: 1, name: 'héllo 😀' } }];
      await store.addDeadLetter({
        pipeline, target: 'cache', errorCode: 'SLUICE_3002', errorMessage: 'WRONGTYPE', attempts: 3,
        position: { file: 'binlog.000002', pos: 500 }, events,
      });
      const [dl] = await store.listDeadLetters(pipeline);
      assert.equal(dl?.errorCode, 'SLUICE_3002');
      assert.equal(dl?.eventCount, 1);
      assert.deepEqual(dl?.events, events);
      assert.equal(dl?.position, 'binlog.000002:500');
    });
  });
}
