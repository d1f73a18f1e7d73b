/**
 * `npm run bench -- schedule`: 10,000 jobs with second-level crons, each `S-59/10 * * * * *` with the
 * start second S = i mod 10 (every 10 s, staggered: ~1,000 fires per second), against a loopback
 * executor (its own process) for 60 s, on the embedded SQLite store, with the real FireRunner.
 * Lag = arrival at the executor − scheduled time. Missed = slots in the measured window (after a
 * 5 s warm-up, before the last 2 s) without a fire row; duplicates = slots with more than one fire
 * row, or with more than one fireId seen by the executor.
 * Environment: BENCH_JOBS (default 10000), BENCH_SECONDS (60), BENCH_CRON=every10|every1 (every1:
 * `* * * * * *`, N fires per second), BENCH_DOCS=0|1 (default 1 for the default run).
 * Last line: `schedule jobs=<N> fires=<F> p99_fire_lag_ms=<L> duplicate_fires=<D> missed_fires=<M>`.
 */
import { fork } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { syncConfigSchema } from '../src/config/sluice-config.ts';
import { silentLogger } from '../src/core/logger.ts';
import { nextFireAfter } from '../src/scheduler/cron-schedule.ts';
import { createFireRunner } from '../src/scheduler/fire-runner.ts';
import { SchedulerNode } from '../src/scheduler/scheduler-node.ts';
import { jobSchema, schedulerSchema } from '../src/scheduler/spec.ts';
import { openStore } from '../src/store/open-store.ts';
import { scratchDir } from '../test/services/scratch-databases.ts';
import { describeMachine, machineLine } from './machine.ts';
import type { ExecutorReport } from './lib/schedule-executor.ts';

const WARMUP_MS = 5000;
const TAIL_MS = 2000;

export async function run(): Promise<void> {
  const jobsN = Number(process.env.BENCH_JOBS ?? 10_000);
  const seconds = Number(process.env.BENCH_SECONDS ?? 60);
  const mix = process.env.BENCH_CRON ?? 'every10';
  const writeDocs = process.env.BENCH_DOCS === undefined ? jobsN === 10_000 && seconds === 60 && mix === 'every10' : process.env.BENCH_DOCS === '1';
  const machine = await describeMachine();
  console.log(`machine: ${machineLine(machine)}`);
  const dir = await scratchDir('sluice-bench-schedule-');
  const executor = fork(join(import.meta.dirname, 'lib', 'schedule-executor.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((r) => executor.once('message', (m) => r((m as { port: number }).port)));
  const store = await openStore(`sqlite:${join(dir.dir, 'sluice.db')}`);
  try {
    const url = `http://127.0.0.1:${port}`;
    const cron = (i: number) => (mix === 'every1' ? '* * * * * *' : `${i % 10}-59/10 * * * * *`);
    const jobs = Array.from({ length: jobsN }, (_, i) => jobSchema.parse({
      name: `job-${String(i).padStart(5, '0')}`, schedule: { cron: cron(i) }, http: { path: '/run' }, executors: { static: [{ url }] }, timeout: '10s', overlap: 'allow',
    }));
    const settings = schedulerSchema.parse({ node: 'bench', partitions: 32 });
    const config = syncConfigSchema.parse({});
    const runner = createFireRunner({ store, settings, config, logger: silentLogger, node: 'bench' });
    const node = new SchedulerNode({ store, settings, jobs, runner, logger: silentLogger, node: 'bench' });
    let t0 = performance.now();
    await node.start();
    const startedAt = Date.now();
    console.log(`${jobsN} jobs (${mix === 'every1' ? 'every second' : 'every 10 s, staggered by start second'}) in the store in ${((performance.now() - t0) / 1000).toFixed(1)} s; running ${seconds} s`);
    const cpu0 = process.cpuUsage();
    t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const cpu = process.cpuUsage(cpu0);
    const wall = performance.now() - t0;
    const endedAt = Date.now();
    await node.stop();
    await runner.close();
    const report = await new Promise<ExecutorReport>((r) => {
      executor.once('message', (m) => r(m as ExecutorReport));
      executor.send('report');
    });

    const from = Math.ceil((startedAt + WARMUP_MS) / 1000) * 1000;
    const to = Math.floor((endedAt - TAIL_MS) / 1000) * 1000;
    const rows = await store.db.all<{ id: number; job: string; slot: string; scheduled_at: number }>(
      'SELECT id, job, slot, scheduled_at FROM sluice_fires WHERE scheduled_at >= ? AND scheduled_at <= ?', [from, to]);
    const rowsBySlot = new Map<string, number>();
    for (const r of rows) rowsBySlot.set(`${r.job}|${r.scheduled_at}`, (rowsBySlot.get(`${r.job}|${r.scheduled_at}`) ?? 0) + 1);
    let expected = 0;
    let missed = 0;
    for (const j of jobs) {
      for (let t = nextFireAfter(j.schedule!, from - 1); t !== undefined && t <= to; t = nextFireAfter(j.schedule!, t)) {
        expected++;
        if (!rowsBySlot.has(`${j.name}|${t}`)) missed++;
      }
    }
    const idsBySlot = new Map<string, Set<string>>();
    const lags: number[] = [];
    const reached = new Set<string>();
    for (const [fireId, job, scheduledAt, receivedAt] of report.hits) {
      if (scheduledAt < from || scheduledAt > to) continue;
      const k = `${job}|${scheduledAt}`;
      idsBySlot.set(k, (idsBySlot.get(k) ?? new Set()).add(fireId));
      if (!reached.has(fireId)) lags.push(receivedAt - scheduledAt);
      reached.add(fireId);
    }
    const duplicates = [...rowsBySlot.values()].filter((n) => n > 1).length + [...idsBySlot.values()].filter((s) => s.size > 1).length;
    const notReached = rows.filter((r) => !reached.has(String(r.id))).length;
    lags.sort((a, b) => a - b);
    const pct = (p: number) => lags[Math.min(lags.length - 1, Math.floor(lags.length * p))] ?? 0;
    const fires = rows.length;
    const windowS = (to - from) / 1000 + 1;
    console.log(`window ${windowS} s: ${expected} slots expected, ${fires} fires (${Math.round(fires / windowS)} fires/s), ${notReached} fire rows not seen by the executor`);
    console.log(`lag at the executor: p50 ${pct(0.5)} ms, p90 ${pct(0.9)} ms, p99 ${pct(0.99)} ms, max ${lags.at(-1) ?? 0} ms; scheduler CPU ${((cpu.user + cpu.system) / 1000 / wall * 100).toFixed(0)}% of one core`);
    const line = `schedule jobs=${jobsN} fires=${fires} p99_fire_lag_ms=${pct(0.99)} duplicate_fires=${duplicates} missed_fires=${missed + notReached}`;
    if (writeDocs) {
      await writeScheduleDocs(machineLine(machine), machine.date, line, {
        mix, windowS, fires, p50: pct(0.5), p90: pct(0.9), p99: pct(0.99), max: lags.at(-1) ?? 0, cpu: Math.round((cpu.user + cpu.system) / 1000 / wall * 100),
      });
    }
    console.log(line);
  } finally {
    executor.kill();
    await store.close();
    await dir.drop();
  }
}

const MARKER = '<!-- schedule:runs (newest first; bench/schedule.ts inserts results below this line) -->';

async function writeScheduleDocs(machine: string, date: string, line: string, r: { mix: string; windowS: number; fires: number; p50: number; p90: number; p99: number; max: number; cpu: number }): Promise<void> {
  const file = resolve(import.meta.dirname, '..', 'docs', 'benchmarks.md');
  let text = await readFile(file, 'utf8');
  if (!text.includes(MARKER)) {
    text = `${text.trimEnd()}\n\n## schedule\n\n\`npm run bench -- schedule\` (\`bench/schedule.ts\`): 10,000 jobs, each with the cron \`S-59/10 * * * * *\` where S = job number mod 10 (every 10 s, staggered over the seconds: ~1,000 fires per second, all 1,000 of a second due at the same instant), one scheduler node in-process with the real FireRunner, the embedded SQLite store, and a loopback HTTP executor in its own process, for 60 s. Lag is measured at the executor (arrival − scheduled time) over the window after a 5 s warm-up; missed = slots of the window without a fire row (or whose fire never reached the executor); duplicates = slots with two fire rows or two fireIds at the executor. Target (issue): p99 lag < 200 ms, 0 duplicates, 0 missed. \`BENCH_CRON=every1 BENCH_JOBS=N\` runs N jobs every second instead.\n\n${MARKER}\n`;
  }
  const entry = `### ${date.slice(0, 10)}\n\n- Machine: ${machine}.\n- ${r.mix === 'every1' ? 'every second' : 'every 10 s, staggered'}: ${r.fires.toLocaleString('en-US')} fires in ${r.windowS} s (${Math.round(r.fires / r.windowS)}/s); lag p50 ${r.p50} ms, p90 ${r.p90} ms, **p99 ${r.p99} ms**, max ${r.max} ms; scheduler process CPU ${r.cpu}% of one core (target p99 < 200 ms: ${r.p99 < 200 ? 'met' : '**not met**'}).\n- \`${line}\`\n`;
  const at = text.indexOf(MARKER) + MARKER.length;
  await writeFile(file, `${text.slice(0, at)}\n\n${entry}${text.slice(at)}`);
}
