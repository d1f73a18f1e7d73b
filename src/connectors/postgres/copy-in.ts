import type { PoolClient } from 'pg';
import type { from } from 'pg-copy-streams';

/** pg-copy-streams' `from`, loaded with the engine. */
export type CopyFrom = typeof from;

/**
 * Runs `COPY ... FROM STDIN` on the client with the parts as its data; resolves once the server
 * has accepted all of it (and the connection is ready again), rejects with the server's error (a
 * pg DatabaseError whose `code` is the SQLSTATE, as for any query).
 *
 * The parts are written one at a time, each after the socket took the last. pg-copy-streams 7
 * keeps queued parts to send on the socket's next 'drain', and drops its connection when the
 * server reports an error: a COPY that fails while parts are still queued (a unique violation
 * on the first row of a large write) would then throw from that 'drain' handler and end the
 * process. With one part in flight its queue is empty by then.
 */
export function copyIn(client: PoolClient, copyFrom: CopyFrom, sql: string, parts: readonly Uint8Array[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(sql));
    let failed = false;
    // Stays attached: the first error settles the promise, a later one (if any) is absorbed.
    stream.on('error', (err) => {
      failed = true;
      reject(err);
    });
    stream.on('finish', resolve);
    let next = 0;
    const writeNext = (err?: Error | null): void => {
      if (failed || err) return;
      if (next === parts.length) stream.end();
      else stream.write(parts[next++], writeNext);
    };
    writeNext();
  });
}
