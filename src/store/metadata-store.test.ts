import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MARIADB, POSTGRES, scratchMariaDb, scratchPostgres } from '../../test/services/scratch-databases.ts';
import { migrations } from './migrations.ts';
import { openStore } from './open-store.ts';
import type { MetadataStore } from './metadata-store.ts';

/** The same contract on every engine: an in-memory SQLite, and scratch databases on the machine's MariaDB and PostgreSQL. */
const engines: { name: string; open(): Promise<{ url: string; drop(): Promise<void> }> }[] = [
  { name: 'sqlite', open: async () => ({ url: 'sqlite::memory:', drop: async () => undefined }) },
  {
    name: 'mysql',
    open: async () => {
      const db = await scratchMariaDb('sluice_store');
      // A migration that failed half-way on MySQL (DDL commits on its own) left one of its tables behind.
      await db.conn.query(migrations.find((m) => m.version === 3)!.up('mysql')[0]!);
      return { url: `mysql://${MARIADB.user}@${MARIADB.host}:${MARIADB.port}/${db.database}`, drop: () => db.drop() };
    },
  },
  {
    name: 'postgres',
    open: async () => {
      const db = await scratchPostgres('sluice_store');
      return { url: `postgres://${POSTGRES.user}@${POSTGRES.host}:${POSTGRES.port}/${db.database}`, drop: () => db.drop() };
    },
  },
];

for (const engine of engines) {
  describe(`metadata store on ${engine.name}`, () => {
    let store: MetadataStore;
    let scratch: { url: string; drop(): Promise<void> };
    const pipeline = 'orders';
    before(async () => {
      scratch = await engine.open();
    });
    after(async () => {
      await store?.close();
      await scratch.drop();
    });

    test('migrates (stepping over tables a failed earlier attempt left) and migrates again without error', async () => {
      store = await openStore(scratch.url);
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
