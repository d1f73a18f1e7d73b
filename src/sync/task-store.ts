import { sluiceError } from '../core/errors.ts';
import type { MetadataStore } from '../store/metadata-store.ts';
import { syncTaskSchema, type SyncTask } from './spec.ts';

/**
 * Sync tasks kept in the metadata store (created with `sluice sync-task add`, later by the API).
 * The definition is stored as given and validated again on every load, so defaults added by a
 * newer Sluice apply. Connections stay in the config file: secrets never go into the store.
 */
export class SyncTaskStore {
  private readonly store: MetadataStore;

  constructor(store: MetadataStore) {
    this.store = store;
  }

  /** Validates and saves (replaces) a task; returns it as it will run. */
  async save(definition: unknown): Promise<SyncTask> {
    const parsed = syncTaskSchema.safeParse(definition);
    if (!parsed.success) {
      throw sluiceError('SLUICE_1003', `sync task\n${parsed.error.issues.map((i) => `  ${i.path.join('.') || '(task)'}: ${i.message}`).join('\n')}`);
    }
    const now = Date.now();
    const db = this.store.db;
    await db.transaction(async (tx) => {
      await tx.run('DELETE FROM sluice_sync_tasks WHERE name = ?', [parsed.data.name]);
      await tx.run('INSERT INTO sluice_sync_tasks (name, definition, created_at, updated_at) VALUES (?, ?, ?, ?)', [parsed.data.name, JSON.stringify(definition), now, now]);
    });
    return parsed.data;
  }

  async list(): Promise<SyncTask[]> {
    const rows = await this.store.db.all<{ name: string; definition: string }>('SELECT name, definition FROM sluice_sync_tasks ORDER BY name');
    return rows.map((r) => this.parse(r.name, r.definition));
  }

  async remove(name: string): Promise<boolean> {
    const before = await this.store.db.all('SELECT name FROM sluice_sync_tasks WHERE name = ?', [name]);
    await this.store.db.run('DELETE FROM sluice_sync_tasks WHERE name = ?', [name]);
    return before.length > 0;
  }

  private parse(name: string, definition: string): SyncTask {
    const parsed = syncTaskSchema.safeParse(JSON.parse(definition));
    if (!parsed.success) throw sluiceError('SLUICE_1003', `stored sync task "${name}": ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return parsed.data;
  }
}

/**
 * The sync tasks of a config plus those in the metadata store. A name defined in both places, or a
 * stored task naming a connection the config does not have, is an error (`file` names the config).
 */
export async function resolveSyncTasks(config: { sync: readonly SyncTask[]; connections: Record<string, unknown> }, store: MetadataStore, file: string): Promise<SyncTask[]> {
  const stored = await new SyncTaskStore(store).list();
  const clash = stored.filter((t) => config.sync.some((c) => c.name === t.name));
  if (clash.length > 0) throw sluiceError('SLUICE_7101', `sync task ${clash.map((t) => `"${t.name}"`).join(', ')} is defined both in ${file} and in the metadata store; remove one (sluice sync-task remove)`);
  for (const task of stored) {
    for (const side of ['from', 'to'] as const) {
      if (!(task[side].connection in config.connections)) {
        throw sluiceError('SLUICE_7101', `stored sync task "${task.name}" ${side}.connection: "${task[side].connection}" is not under connections in ${file}`);
      }
    }
  }
  return [...config.sync, ...stored];
}

