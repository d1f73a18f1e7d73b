import { sluiceError } from '../core/errors.ts';
import { formatPosition, parsePosition, parseStartPosition } from '../core/position.ts';
import { openContext } from './context.ts';

/** `sluice position show|set -c FILE [POSITION]`: read or move the stored checkpoint. */
export async function positionCommand(action: string, file: string, value: string | undefined): Promise<void> {
  const { config, store } = await openContext(file);
  try {
    if (action === 'show') {
      const cp = await store.getCheckpoint(config.name);
      process.stdout.write(cp
        ? `${config.name} ${formatPosition(cp.position)} (saved ${new Date(cp.updatedAt).toISOString()})\n`
        : `${config.name} has no checkpoint; it will start from source.start (${config.source.start})\n`);
      return;
    }
    if (action !== 'set' || !value) throw sluiceError('SLUICE_6001', 'use `position show` or `position set FILE:POS|gtid:SET|reset`');
    if (value === 'reset') {
      await store.deleteCheckpoint(config.name);
      process.stdout.write(`${config.name} checkpoint removed; next start uses source.start\n`);
      return;
    }
    const start = parseStartPosition(value);
    const position = start.kind === 'file' ? parsePosition(`${start.file}:${start.pos}`)
      : start.kind === 'gtid' ? { file: '', pos: 4, gtid: start.gtid } : undefined;
    if (!position) throw sluiceError('SLUICE_6001', '`position set` needs FILE:POS or gtid:SET (use `reset` to fall back to source.start)');
    await store.saveCheckpoint(config.name, position);
    process.stdout.write(`${config.name} checkpoint set to ${formatPosition(position)}\n`);
  } finally {
    await store.close();
  }
}
