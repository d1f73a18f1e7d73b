import { Command } from 'commander';
import { SluiceError } from '../core/errors.ts';
import { checkCommand } from './check-command.ts';
import { positionCommand } from './position-command.ts';
import { streamCommand } from './stream-command.ts';

const program = new Command('sluice')
  .description('Sluice: MySQL/MariaDB binlog CDC, batch sync, verification and scheduling')
  .version('0.1.0');

program.command('stream').description('stream binlog changes to the configured targets until SIGTERM')
  .requiredOption('-c, --config <file>', 'config file (YAML)')
  .action(async (o: { config: string }) => streamCommand(o.config));

program.command('check').description('preflight: source settings and privileges, target reachability (exit 0/1)')
  .requiredOption('-c, --config <file>', 'config file (YAML)')
  .action(async (o: { config: string }) => {
    process.exitCode = await checkCommand(o.config);
  });

program.command('position').description('show or set the stored binlog checkpoint')
  .argument('<action>', 'show | set')
  .argument('[position]', 'for set: FILE:POS, gtid:SET or reset')
  .requiredOption('-c, --config <file>', 'config file (YAML)')
  .action(async (action: string, position: string | undefined, o: { config: string }) => positionCommand(action, o.config, position));

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof SluiceError) process.stderr.write(`${err.describe()}\n`);
  else process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
}
