import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syncConfigSchema } from '../config/sluice-config.ts';
import { blocked, childrenOf, jobGraphIssues, readyToFire, type FinishedStatus } from './job-graph.ts';
import { jobSchema, type Job, type JobInput } from './spec.ts';

const executors = { static: [{ url: 'http://127.0.0.1:9' }] };
const job = (name: string, dependsOn: JobInput['dependsOn'] = [], extra: Partial<JobInput> = {}): Job =>
  jobSchema.parse({ name, http: {}, executors, dependsOn, ...extra });
const noTasks = { sync: [], verify: [] };
const messages = (jobs: Job[], tasks: { sync: string[]; verify: string[] } = noTasks) => jobGraphIssues(jobs, tasks).map((i) => `${i.path.join('.')}: ${i.message}`);
const done = (entries: Record<string, FinishedStatus>) => new Map(Object.entries(entries));

test('a chain, a fan-out and a diamond are valid graphs', () => {
  const chain = [job('a'), job('b', [{ job: 'a' }]), job('c', [{ job: 'b', on: 'end' }])];
  const diamond = [job('root'), job('left', [{ job: 'root' }]), job('right', [{ job: 'root', on: 'failure' }]), job('join', [{ job: 'left' }, { job: 'right', on: 'end' }])];
  assert.deepEqual(messages(chain), []);
  assert.deepEqual(messages(diamond), []);
  const children = childrenOf(diamond);
  assert.deepEqual(children.get('root')!.map((c) => [c.job.name, c.on]), [['left', 'success'], ['right', 'failure']]);
  assert.deepEqual(children.get('left')!.map((c) => c.job.name), ['join']);
  assert.equal(children.get('join'), undefined);
});

test('cycles are reported once each, as a readable loop: self, 2- and 3-cycles', () => {
  assert.deepEqual(messages([job('self', [{ job: 'self' }])]), ['jobs.0.dependsOn: dependency cycle (each job waits for the next): self → self']);
  const three = [job('a', [{ job: 'c' }]), job('b', [{ job: 'a' }]), job('c', [{ job: 'b' }]), job('d', [{ job: 'a' }])];
  assert.deepEqual(messages(three), ['jobs.0.dependsOn: dependency cycle (each job waits for the next): a → c → b → a']);
  const two = [job('x'), job('p', [{ job: 'x' }, { job: 'q' }]), job('q', [{ job: 'p' }])];
  assert.deepEqual(messages(two), ['jobs.1.dependsOn: dependency cycle (each job waits for the next): p → q → p']);
});

test('a long chain of 20,000 jobs is checked without overflowing the stack', () => {
  const jobs = Array.from({ length: 20_000 }, (_, i) => job(`j${i}`, i === 0 ? [{ job: 'j19999' }] : [{ job: `j${i - 1}` }]));
  const issues = jobGraphIssues(jobs, noTasks);
  assert.equal(issues.length, 1);
  assert.match(issues[0]!.message, /^dependency cycle .*: j0 → j19999 → j19998 → .* → j1 → j0$/);
});

test('duplicate names, unknown or repeated parents, unknown verify tasks and bad schedules', () => {
  const jobs = [
    job('a'),
    job('a'),
    job('b', [{ job: 'ghost' }, { job: 'a' }, { job: 'a', on: 'end' }]),
    job('v', [], { type: 'verify', task: 'nope' }),
    job('s', [], { type: 'sync', task: 'only-in-the-store' }),
    job('t', [], { schedule: { cron: '0 0 * * *', timezone: 'Nowhere/City' } }),
  ];
  assert.deepEqual(messages(jobs, { sync: [], verify: ['orders'] }), [
    'jobs.1.name: duplicate job name "a" (also jobs[0])',
    'jobs.2.dependsOn.0.job: unknown job "ghost"',
    'jobs.2.dependsOn.2.job: "a" is listed twice',
    'jobs.3.task: unknown verify task "nope"; defined: orders',
    'jobs.5.schedule: unknown time zone "Nowhere/City" (use an IANA name such as "Europe/Berlin" or "UTC")',
  ]);
});

test('the config schema reports graph problems at their path in the file', () => {
  const result = syncConfigSchema.safeParse({
    jobs: [
      { name: 'a', http: {}, executors, dependsOn: [{ job: 'b' }], schedule: { cron: '*/5 * * * * *' } },
      { name: 'b', http: {}, executors, dependsOn: [{ job: 'a' }], schedule: { cron: '99 * * * *' } },
    ],
  });
  assert.equal(result.success, false);
  assert.deepEqual(result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`), [
    'jobs.1.schedule: cron "99 * * * *": Invalid value for minute: 99',
    'jobs.0.dependsOn: dependency cycle (each job waits for the next): a → b → a',
  ]);
  assert.equal(syncConfigSchema.safeParse({ jobs: [{ name: 'a', http: {}, executors }, { name: 'b', http: {}, executors, dependsOn: [{ job: 'a' }] }] }).success, true);
});

test('outcome rules: success = succeeded; failure = failed or cancelled; end = any final status', () => {
  const on = (condition: 'success' | 'failure' | 'end') => job('child', [{ job: 'p', on: condition }]);
  const table: [string, FinishedStatus, boolean][] = [
    ['success', 'succeeded', true], ['success', 'failed', false], ['success', 'cancelled', false], ['success', 'skipped', false],
    ['failure', 'succeeded', false], ['failure', 'failed', true], ['failure', 'cancelled', true], ['failure', 'skipped', false],
    ['end', 'succeeded', true], ['end', 'failed', true], ['end', 'cancelled', true], ['end', 'skipped', true],
  ];
  for (const [condition, status, fires] of table) {
    const child = on(condition as 'success');
    assert.equal(readyToFire(child, done({ p: status })), fires, `${condition} after ${status}`);
    assert.equal(blocked(child, done({ p: status })), !fires, `${condition} after ${status} blocks`);
  }
  assert.equal(readyToFire(on('end'), done({})), false, 'nothing finished yet');
  assert.equal(blocked(on('end'), done({})), false);
});

test('fan-in waits for every parent and is blocked by the first parent with a wrong outcome', () => {
  const join = job('join', [{ job: 'left' }, { job: 'right', on: 'end' }]);
  assert.equal(readyToFire(join, done({ left: 'succeeded' })), false);
  assert.equal(blocked(join, done({ left: 'succeeded' })), false, 'still waiting for right');
  assert.equal(readyToFire(join, done({ left: 'succeeded', right: 'failed' })), true);
  assert.equal(readyToFire(join, done({ left: 'failed', right: 'succeeded' })), false);
  assert.equal(blocked(join, done({ left: 'failed' })), true, 'known before right ends');
  assert.equal(readyToFire(job('root'), done({})), true, 'a job without parents is always ready');
});
