import type { SqlRow, SqlValue } from '../connectors/sql/sql-engine.ts';
import type { MetadataStore } from '../store/metadata-store.ts';
import { rowFromJson, rowToJson } from '../sync/row-json.ts';

export interface WatchCursors {
  /** Last key checked by the new-rows watcher. */
  newRows?: SqlRow;
  /** Last `(update column, key)` checked by the changed-rows watcher. */
  updates?: { value: SqlValue; key: SqlRow };
}

/** Cursors and pending re-checks of a `verify --watch` task, in the metadata store. */
export class WatchState {
  private readonly store: MetadataStore;
  private readonly task: string;

  constructor(store: MetadataStore, task: string) {
    this.store = store;
    this.task = task;
  }

  async cursors(): Promise<WatchCursors> {
    const rows = await this.store.db.all<{ kind: string; cursor_json: string }>('SELECT kind, cursor_json FROM sluice_verify_cursors WHERE task = ?', [this.task]);
    const out: WatchCursors = {};
    for (const r of rows) {
      if (r.kind === 'new') out.newRows = rowFromJson(r.cursor_json);
      if (r.kind === 'update') {
        const [value, ...key] = rowFromJson(r.cursor_json)!;
        out.updates = { value: value!, key };
      }
    }
    return out;
  }

  async save(kind: 'new' | 'update', cursor: SqlRow): Promise<void> {
    const db = this.store.db;
    await db.transaction(async (tx) => {
      await tx.run('DELETE FROM sluice_verify_cursors WHERE task = ? AND kind = ?', [this.task, kind]);
      await tx.run('INSERT INTO sluice_verify_cursors (task, kind, cursor_json, updated_at) VALUES (?, ?, ?, ?)', [this.task, kind, rowToJson(cursor)!, Date.now()]);
    });
  }

  /**
   * Mismatches to check again at `dueAt` (kept until then, so a crash loses none). A key already
   * held keeps its earlier time: seeing it again in an overlapping pass does not postpone it.
   */
  async hold(target: number, keys: readonly SqlRow[], dueAt: number): Promise<void> {
    if (keys.length === 0) return;
    await this.store.db.transaction(async (tx) => {
      for (const key of keys) {
        const json = rowToJson(key)!;
        const held = await tx.all('SELECT 1 FROM sluice_verify_pending WHERE task = ? AND target = ? AND key_json = ?', [this.task, target, json]);
        if (held.length === 0) await tx.run('INSERT INTO sluice_verify_pending (task, target, key_json, due_at) VALUES (?, ?, ?, ?)', [this.task, target, json, dueAt]);
      }
    });
  }

  async due(now: number): Promise<{ target: number; key: SqlRow; json: string }[]> {
    const rows = await this.store.db.all<{ target: number | string; key_json: string }>('SELECT target, key_json FROM sluice_verify_pending WHERE task = ? AND due_at <= ? ORDER BY due_at', [this.task, now]);
    return rows.map((r) => ({ target: Number(r.target), key: rowFromJson(r.key_json)!, json: r.key_json }));
  }

  async release(target: number, json: string): Promise<void> {
    await this.store.db.run('DELETE FROM sluice_verify_pending WHERE task = ? AND target = ? AND key_json = ?', [this.task, target, json]);
  }
}
