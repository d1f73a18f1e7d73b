import type { PoolClient } from 'pg';
import type { from } from 'pg-copy-streams';

/** pg-copy-streams' `from`, loaded with the engine. */
export type CopyFrom = typeof from;

/**
 * Runs `COPY ... FROM STDIN` on the client with the text parts as its data; resolves once the
 * server has accepted all of it (and the connection is ready again), rejects with the server's
 * error (a pg DatabaseError whose `code` is the SQLSTATE, as for any query).
 */
export function copyIn(client: PoolClient, copyFrom: CopyFrom, sql: string, parts: readonly Uint8Array[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(sql));
    // Stays attached: the first error settles the promise, a later one (if any) is absorbed.
    stream.on('error', reject);
    stream.on('finish', resolve);
    for (const part of parts) stream.write(part);
    stream.end();
  });
}
