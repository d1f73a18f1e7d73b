import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { loadConfigFile } from '../config/load-config.ts';
import { storeUrl, syncConfigSchema } from '../config/sluice-config.ts';
import { sluiceError } from '../core/errors.ts';
import { openStore } from '../store/open-store.ts';
import { SyncTaskStore } from '../sync/task-store.ts';

/**
 * `sluice sync-task add FILE | list | remove NAME -c CONFIG`: sync tasks kept in the metadata store.
 * FILE holds one task or a list of tasks (YAML or JSON); their connections must be in CONFIG.
 */
export async function syncTaskCommand(action: string, arg: string | undefined, configFile: string): Promise<void> {
  const config = await loadConfigFile(syncConfigSchema, configFile);
  const store = await openStore(storeUrl(config));
  const tasks = new SyncTaskStore(store);
  try {
    if (action === 'add') {
      if (!arg) throw sluiceError('SLUICE_6001', 'sync-task add needs a file with the task definition');
      const raw = parse(await readFile(arg, 'utf8')) as unknown;
      for (const definition of Array.isArray(raw) ? raw : [raw]) {
        const task = await tasks.save(definition);
        for (const side of ['from', 'to'] as const) {
          if (!(task[side].connection in config.connections)) {
            process.stderr.write(`warning: ${side}.connection "${task[side].connection}" of "${task.name}" is not under connections in ${configFile}\n`);
          }
        }
        process.stdout.write(`saved sync task ${task.name}\n`);
      }
    } else if (action === 'list') {
      for (const t of await tasks.list()) {
        process.stdout.write(`${t.name}\t${t.from.connection} → ${t.to.connection}\t${t.from.tables.join(',') || '(all tables)'}\t${t.mode}${t.incremental ? ` incremental(${t.incremental.column})` : ''}\n`);
      }
    } else if (action === 'remove') {
      if (!arg) throw sluiceError('SLUICE_6001', 'sync-task remove needs a task name');
      if (!(await tasks.remove(arg))) throw sluiceError('SLUICE_6001', `no stored sync task "${arg}"`);
      process.stdout.write(`removed sync task ${arg}\n`);
    } else {
      throw sluiceError('SLUICE_6001', `sync-task ${action}: use add FILE, list or remove NAME`);
    }
  } finally {
    await store.close();
  }
}
