/**
 * A second process for the SQLite concurrency tests (two connections to one SQLite file in one
 * process would block each other's synchronous busy waits). Reads one JSON command from argv,
 * prints one JSON line. Not a test file itself.
 */
import { openStore } from '../store/open-store.ts';
import { claimLease } from './lease-store.ts';
import { JobCache } from './job-store.ts';
import { nextFireAfter } from './cron-schedule.ts';
import { planRound } from './planner.ts';
import { silentLogger } from '../core/logger.ts';

interface Command { op: 'claim' | 'plan'; url: string; owner: string; names?: string[]; now?: number; seconds?: number; held?: [number, number][]; lookahead?: number; tolerance?: number }

const cmd = JSON.parse(process.argv[2]!) as Command;
const store = await openStore(cmd.url);
try {
  if (cmd.op === 'claim') {
    const out: (number | null)[] = [];
    for (const name of cmd.names!) out.push(await claimLease(store.db, name, cmd.owner, 5000, cmd.now!) ?? null);
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } else {
    const jobs = new JobCache(store.db);
    await jobs.refresh();
    const ids: string[] = [];
    // A fixed time, not a number of rounds: the jobs fire every second, so the race spans several slots.
    for (const end = Date.now() + cmd.seconds! * 1000; Date.now() < end;) {
      const round = await planRound({ db: store.db, node: cmd.owner, jobs, nextFireAfter, lookahead: cmd.lookahead!, tolerance: cmd.tolerance!, logger: silentLogger }, new Map(cmd.held!), Date.now());
      ids.push(...round.fires.map((f) => `${f.job}|${f.slot}`));
      await new Promise((r) => setTimeout(r, 5));
    }
    process.stdout.write(`${JSON.stringify(ids)}\n`);
  }
} finally {
  await store.close();
}
