import { checkSchedule } from './cron-schedule.ts';
import type { Job } from './spec.ts';

/*
 * Job dependencies (`dependsOn`) form a DAG: a child runs after all its parents finished in the
 * same run chain (fan-in), each with the outcome its dependency asks for. This file holds the
 * pure rules; the engine records the finished parents of a chain and asks them.
 */

export type DependencyCondition = Job['dependsOn'][number]['on'];
/** How a parent's fire ended, as the engine records it for one chain. */
export type FinishedStatus = 'succeeded' | 'failed' | 'cancelled' | 'skipped';

export interface GraphIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

/** Whether a parent that ended with `status` lets a child with condition `on` run. */
export function satisfies(on: DependencyCondition, status: FinishedStatus): boolean {
  if (on === 'end') return true;
  if (on === 'success') return status === 'succeeded';
  return status === 'failed' || status === 'cancelled';
}

/**
 * What is wrong with a set of jobs as a whole: duplicate names, unknown or repeated parents,
 * cycles, unknown verify tasks and invalid schedules. Paths are relative to the config root.
 * Sync and snapshot tasks are not checked: they may live in the metadata store.
 */
export function jobGraphIssues(jobs: readonly Job[], tasks: { sync: readonly string[]; verify: readonly string[] }): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const index = new Map<string, number>();
  jobs.forEach((job, i) => {
    const first = index.get(job.name);
    if (first === undefined) index.set(job.name, i);
    else issues.push({ path: ['jobs', i, 'name'], message: `duplicate job name "${job.name}" (also jobs[${first}])` });
  });
  const verifyTasks = new Set(tasks.verify);
  jobs.forEach((job, i) => {
    const parents = new Set<string>();
    job.dependsOn.forEach((dep, k) => {
      if (!index.has(dep.job)) issues.push({ path: ['jobs', i, 'dependsOn', k, 'job'], message: `unknown job "${dep.job}"` });
      else if (parents.has(dep.job)) issues.push({ path: ['jobs', i, 'dependsOn', k, 'job'], message: `"${dep.job}" is listed twice` });
      parents.add(dep.job);
    });
    if (job.type === 'verify' && job.task !== undefined && !verifyTasks.has(job.task)) {
      issues.push({ path: ['jobs', i, 'task'], message: `unknown verify task "${job.task}"; defined: ${tasks.verify.join(', ') || '(none)'}` });
    }
    const problem = job.schedule && checkSchedule(job.schedule);
    if (problem) issues.push({ path: ['jobs', i, 'schedule'], message: problem });
  });
  for (const cycle of cycles(jobs, index)) {
    const names = cycle.map((i) => jobs[i]!.name);
    issues.push({ path: ['jobs', cycle[0]!, 'dependsOn'], message: `dependency cycle (each job waits for the next): ${[...names, names[0]].join(' → ')}` });
  }
  return issues;
}

/** Each elementary cycle met by a depth-first walk, once, as job indexes starting at the lowest. */
function cycles(jobs: readonly Job[], index: ReadonlyMap<string, number>): number[][] {
  const parentsOf = (i: number) => jobs[i]!.dependsOn.map((d) => index.get(d.job)).filter((p) => p !== undefined);
  const state = new Uint8Array(jobs.length); // 0 new, 1 on the walk's path, 2 done
  const found = new Map<string, number[]>();
  for (let root = 0; root < jobs.length; root++) {
    if (state[root] !== 0) continue;
    // An explicit stack: a long chain of 10,000 jobs must not overflow the call stack.
    const path: number[] = [root];
    const next: number[][] = [parentsOf(root)];
    state[root] = 1;
    while (path.length > 0) {
      const pending = next[next.length - 1]!;
      const p = pending.shift();
      if (p === undefined) {
        state[path.pop()!] = 2;
        next.pop();
      } else if (state[p] === 1) {
        const cycle = path.slice(path.indexOf(p));
        const start = cycle.indexOf(Math.min(...cycle));
        const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
        found.set(rotated.join(','), rotated);
      } else if (state[p] === 0) {
        state[p] = 1;
        path.push(p);
        next.push(parentsOf(p));
      }
    }
  }
  return [...found.values()];
}

export interface ChildLink {
  readonly job: Job;
  readonly on: DependencyCondition;
}

/** Parent job name → the jobs that depend on it, with the outcome each waits for. */
export function childrenOf(jobs: readonly Job[]): Map<string, ChildLink[]> {
  const children = new Map<string, ChildLink[]>();
  for (const job of jobs) {
    for (const dep of job.dependsOn) {
      let list = children.get(dep.job);
      if (!list) children.set(dep.job, (list = []));
      list.push({ job, on: dep.on });
    }
  }
  return children;
}

/** Fan-in: every parent has finished in this chain with an outcome its condition accepts. */
export function readyToFire(child: Job, finished: ReadonlyMap<string, FinishedStatus>): boolean {
  return child.dependsOn.every((dep) => {
    const status = finished.get(dep.job);
    return status !== undefined && satisfies(dep.on, status);
  });
}

/** Some parent has finished with an outcome its condition rejects: the child can never run in this chain. */
export function blocked(child: Job, finished: ReadonlyMap<string, FinishedStatus>): boolean {
  return child.dependsOn.some((dep) => {
    const status = finished.get(dep.job);
    return status !== undefined && !satisfies(dep.on, status);
  });
}
