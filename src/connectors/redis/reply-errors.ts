import { ErrorReply } from 'redis';
import { errorMessage, SluiceError, sluiceError } from '../../core/errors.ts';
import type { SinkRecord } from '../types.ts';
import type { RedisCommand } from './commands.ts';

/** Error reply prefixes of server states that pass (loading, failover, resharding, memory, auth). */
const transientPrefixes = /^(LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|READONLY|MOVED|ASK|OOM|NOREPLICAS|MISCONF|NOAUTH|WRONGPASS|NOPERM)\b/;

function isTransient(reply: ErrorReply): boolean {
  return transientPrefixes.test(reply.message);
}

/**
 * Throws when any reply is an error: SLUICE_3005 (retry) if one is a transient server state,
 * else SLUICE_3002 (the data is rejected, e.g. WRONGTYPE) naming the command, key and row.
 * `origins[i]` is the index of the record that produced `commands[i]`.
 */
export function checkReplies(commands: readonly RedisCommand[], replies: readonly unknown[], records: readonly SinkRecord[], origins: readonly number[]): void {
  let rejected = -1;
  let failures = 0;
  for (let i = 0; i < replies.length; i++) {
    const reply = replies[i];
    if (!(reply instanceof ErrorReply)) continue;
    failures++;
    if (isTransient(reply)) {
      throw sluiceError('SLUICE_3005', `Redis answered ${reply.message}`, { cause: reply, details: describe(i) });
    }
    if (rejected < 0) rejected = i;
  }
  if (rejected >= 0) {
    const details = describe(rejected);
    throw sluiceError('SLUICE_3002', `${details.command} ${details.key}: ${errorMessage(replies[rejected])}${failures > 1 ? ` (${failures} commands failed)` : ''}`, {
      cause: replies[rejected],
      details: { ...details, failures },
    });
  }

  function describe(i: number) {
    const record = records[origins[i] ?? -1];
    return {
      command: commands[i]?.[0],
      key: commands[i]?.[1],
      reply: errorMessage(replies[i]),
      ...(record === undefined ? {} : { event: record.event.id, table: `${record.event.db}.${record.event.table}`, rule: record.rule.label }),
    };
  }
}

/** Maps a failure outside the replies: error replies by prefix, anything else is a lost connection. */
export function toSluiceError(err: unknown): SluiceError {
  if (err instanceof SluiceError) return err;
  if (err instanceof ErrorReply) {
    return sluiceError(isTransient(err) ? 'SLUICE_3005' : 'SLUICE_3002', `Redis answered ${err.message}`, { cause: err });
  }
  return sluiceError('SLUICE_3001', `Redis connection failed: ${errorMessage(err)}`, { cause: err });
}
