import type { MetadataStore } from '../store/metadata-store.ts';
import type { ExecutorInfo } from './routing.ts';
import type { Job } from './spec.ts';

interface GroupRow { address: string; weight: number | string; busy: number | string }

interface Cached { readonly at: number; readonly list: Promise<ExecutorInfo[]> }

/**
 * The executors a job may use now: its static list, then the members of `executors.group` whose
 * last heartbeat is within `heartbeatTimeout` (by address, so the order is stable for routing).
 * A group is read from the store at most once per `cacheMs`, so a thousand fires a second cost
 * one query per group per second; joins and leaves are seen by the next fire after that.
 */
export class ExecutorRegistry {
  private readonly store: MetadataStore;
  private readonly heartbeatTimeout: number;
  private readonly cacheMs: number;
  private readonly groups = new Map<string, Cached>();
  private readonly statics = new WeakMap<Job['executors'], readonly ExecutorInfo[]>();

  constructor(store: MetadataStore, heartbeatTimeout: number, cacheMs = 1000) {
    this.store = store;
    this.heartbeatTimeout = heartbeatTimeout;
    this.cacheMs = cacheMs;
  }

  async list(job: Pick<Job, 'executors'>, now = Date.now()): Promise<readonly ExecutorInfo[]> {
    const fixed = this.fixed(job.executors);
    if (!job.executors.group) return fixed;
    const members = await this.group(job.executors.group, now);
    const seen = new Set(fixed.map((e) => e.url));
    return [...fixed, ...members.filter((m) => !seen.has(m.url))];
  }

  /** A job's static executors, built once per definition (callers copy before they reorder). */
  private fixed(executors: Job['executors']): readonly ExecutorInfo[] {
    let list = this.statics.get(executors);
    if (!list) {
      list = Object.freeze(executors.static.map((e) => Object.freeze({ url: trimSlash(e.url), weight: e.weight, busy: 0 })));
      this.statics.set(executors, list);
    }
    return list;
  }

  /** Forget cached groups (after a heartbeat this node received itself, or in tests). */
  invalidate(group?: string): void {
    if (group === undefined) this.groups.clear();
    else this.groups.delete(group);
  }

  private group(name: string, now: number): Promise<ExecutorInfo[]> {
    const cached = this.groups.get(name);
    if (cached && now - cached.at < this.cacheMs) return cached.list;
    const list = this.store.db.all<GroupRow>(
      'SELECT address, weight, busy FROM sluice_executors WHERE grp = ? AND last_seen >= ? ORDER BY address',
      [name, now - this.heartbeatTimeout],
    ).then((rows) => rows.map((r) => ({ url: trimSlash(r.address), weight: Math.max(1, Number(r.weight)), busy: Math.max(0, Number(r.busy)) })));
    this.groups.set(name, { at: now, list });
    // A failed read is not cached: the next fire asks again.
    list.catch(() => this.groups.get(name)?.list === list && this.groups.delete(name));
    return list;
  }
}

export function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
