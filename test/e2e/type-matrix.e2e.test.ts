import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { verifySignature } from '../../src/connectors/http/signature.ts';
import { startMariaDb, type MariaDbServer } from '../services/mariadb.ts';
import { startReceiver } from './http-receiver.ts';
import { eventually, sourceFor, startPipeline, type RunningPipeline } from './pipeline-harness.ts';

/**
 * Every MySQL/MariaDB column type, through the binlog and the HTTP target, compared with the
 * documented lossless JSON form (docs/types.md).
 */
let db: MariaDbServer;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let pipeline: RunningPipeline;
const secret = 'type-matrix-secret-0123456789';

before(async () => {
  db = await startMariaDb();
  receiver = await startReceiver();
  const conn = await db.connect();
  await conn.query(`CREATE DATABASE shop; CREATE TABLE shop.types (
    id INT NOT NULL PRIMARY KEY,
    c_tiny TINYINT, c_small_u SMALLINT UNSIGNED, c_med MEDIUMINT, c_int_u INT UNSIGNED,
    c_big BIGINT, c_big_u BIGINT UNSIGNED, c_dec DECIMAL(30,10), c_float FLOAT, c_double DOUBLE,
    c_date DATE, c_dt DATETIME(6), c_ts TIMESTAMP(3) NULL, c_time TIME(3), c_year YEAR,
    c_char CHAR(10), c_vc VARCHAR(100), c_text TEXT, c_blob BLOB, c_bin BINARY(4), c_vbin VARBINARY(8),
    c_json JSON, c_enum ENUM('a','b','c'), c_set SET('x','y','z'), c_bit BIT(10), c_bit64 BIT(64)
  ) DEFAULT CHARSET=utf8mb4`);
  await conn.end();
  pipeline = await startPipeline({
    source: sourceFor(db, { include: ['shop.*'], decodeThread: true }),
    targets: [{ type: 'http', http: { url: receiver.url, signing: { keyId: 'k1', secret } } }],
  });
});

after(async () => {
  await pipeline?.stop();
  await receiver?.close();
  await db?.stop();
});

test('every column type arrives lossless, and the receiver verifies the signature', async () => {
  const conn = await db.connect('shop');
  await conn.query(`SET time_zone = '+00:00';
    INSERT INTO types VALUES (1, -128, 65535, -8388608, 4294967295,
      -9223372036854775808, 18446744073709551615, '12345678901234567890.0123456789', 3.14159, 0.1,
      '2024-02-29', '2024-02-29 23:59:59.123456', '2024-02-29 12:34:56.789', '-838:59:59.000', 2155,
      'héllo', 'emoji 😀 and 𝄞', 'text ✓', x'00FF10DEADBEEF', x'01020304', x'CAFE',
      '{"a":1,"big":18446744073709551615,"s":"😀"}', 'b', 'x,z', b'1010101010', b'1111111111111111111111111111111111111111111111111111111111111111');
    INSERT INTO types (id) VALUES (2);
    INSERT INTO types (id, c_date, c_dt, c_year, c_set, c_dec, c_big) VALUES (3, '0000-00-00', '0000-00-00 00:00:00', 0, '', '-0.0000000001', 9007199254740993);
    UPDATE types SET c_vc = 'updated', c_dec = '1.5' WHERE id = 1;
    DELETE FROM types WHERE id = 2;`);
  await conn.end();

  const events = await eventually('5 events', async () => receiver.events().length >= 5 && receiver.events());
  assert.equal(events.length, 5);
  for (const req of receiver.requests) {
    const verdict = verifySignature({ headers: req.headers as Record<string, string>, body: req.body, secrets: { k1: secret } });
    assert.deepEqual(verdict, { ok: true, keyId: 'k1' });
  }
  const [ins1, ins2, ins3, upd, del] = events as { op: string; key: unknown[]; before: Record<string, unknown> | null; after: Record<string, unknown> | null }[];
  assert.deepEqual([ins1!.op, ins2!.op, ins3!.op, upd!.op, del!.op], ['insert', 'insert', 'insert', 'update', 'delete']);
  assert.deepEqual(ins1!.after, {
    id: 1, c_tiny: -128, c_small_u: 65535, c_med: -8388608, c_int_u: 4294967295,
    c_big: '-9223372036854775808', c_big_u: '18446744073709551615', c_dec: '12345678901234567890.0123456789',
    c_float: 3.14159, c_double: 0.1,
    c_date: '2024-02-29', c_dt: '2024-02-29T23:59:59.123456Z', c_ts: '2024-02-29T12:34:56.789Z', c_time: '-838:59:59.000', c_year: 2155,
    c_char: 'héllo', c_vc: 'emoji 😀 and 𝄞', c_text: 'text ✓',
    c_blob: Buffer.from('00ff10deadbeef', 'hex').toString('base64'), c_bin: Buffer.from('01020304', 'hex').toString('base64'),
    c_vbin: Buffer.from('cafe', 'hex').toString('base64'),
    c_json: { a: 1, big: 18446744073709551615, s: '😀' },
    c_enum: 'b', c_set: ['x', 'z'], c_bit: 682, c_bit64: '18446744073709551615',
  });
  // The big integer inside JSON keeps every digit on the wire (a JS number would round it).
  assert.match(receiver.requests[0]!.body, /"big":18446744073709551615[,}]/);
  assert.ok(Object.values(ins2!.after!).slice(1).every((v) => v === null), 'all-NULL row stays NULL');
  assert.equal(ins3!.after!.c_date, '0000-00-00');
  assert.equal(ins3!.after!.c_dt, '0000-00-00 00:00:00.000000');
  assert.equal(ins3!.after!.c_year, 0);
  assert.deepEqual(ins3!.after!.c_set, []);
  assert.equal(ins3!.after!.c_dec, '-0.0000000001');
  assert.equal(ins3!.after!.c_big, '9007199254740993');
  assert.equal(upd!.before!.c_vc, 'emoji 😀 and 𝄞');
  assert.equal(upd!.after!.c_vc, 'updated');
  assert.equal(upd!.after!.c_dec, '1.5000000000');
  assert.deepEqual(del!.key, [2]);
  assert.equal(del!.after, null);
});
