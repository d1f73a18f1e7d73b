import { Command } from 'commander';
import { SluiceError } from '../core/errors.ts';
import { checkCommand } from './check-command.ts';
import { jobsCommand, type JobsCommandOptions } from './jobs-command.ts';
import { positionCommand } from './position-command.ts';
import { scheduleCommand } from './schedule-command.ts';
import { streamCommand } from './stream-command.ts';
import { syncCommand, type SyncCommandOptions } from './sync-command.ts';
import { syncTaskCommand } from './sync-task-command.ts';
import { verifyCommand, type VerifyCommandOptions } from './verify-command.ts';

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

program.command('sync').description('copy tables between databases: chunked, parallel, resumable, incremental (exit 0/1, JSON report on stdout)')
  .option('-c, --config <file>', 'config file (YAML) with connections and sync tasks')
  .option('-t, --task <name...>', 'run only these sync tasks (default: all)')
  .option('--restart', 'start over instead of resuming an unfinished run')
  .option('--report <file>', 'also write the JSON report to this file')
  .option('--max-errors <n>', 'rows the targets may reject before a task fails (overrides maxErrors of every task)')
  .option('--goshift-config <file>', 'goshift compatibility: its JSON config (task_meta_mysql, from, to)')
  .option('--id <id>', 'goshift compatibility: id of the task row to run')
  .option('--task-table <name>', 'goshift compatibility: the task table', 'task_def_sync_manager')
  .option('--no-use-env', 'goshift compatibility: host/user/password are literal values, not environment variable names')
  .option('--data-dir <dir>', 'goshift compatibility: where the ledger (metadata store) lives', './.sluice')
  .action(async (o: SyncCommandOptions) => {
    process.exitCode = await syncCommand(o);
  });

program.command('sync-task').description('sync tasks kept in the metadata store: add FILE, list, remove NAME')
  .argument('<action>', 'add | list | remove')
  .argument('[arg]', 'for add: a YAML/JSON file with one task or a list; for remove: the task name')
  .requiredOption('-c, --config <file>', 'config file (YAML) with the connections')
  .action(async (action: string, arg: string | undefined, o: { config: string }) => syncTaskCommand(action, arg, o.config));

program.command('verify').description('compare source tables with their targets: missing, extra and differing rows (exit 0 equal, 1 different, 2 error)')
  .option('-c, --config <file>', 'config file (YAML) with connections and verify tasks')
  .option('--cupid-config <file>', 'cupid-go compatibility: its JSON config as it is (src, des[])')
  .option('-s, --start-id <id>', 'compare keys from this one on (cupid-go -s)')
  .option('-t, --task <name...>', 'run only these verify tasks (default: all)')
  .option('--report <file>', 'also write the JSON report to this file')
  .option('--fix-sql <dir>', 'write a repair script per task and target (idempotent upserts and deletes in the target\'s SQL) into DIR')
  .option('--repair', 'make the targets equal to the source (upsert missing and different rows, delete extra rows), then verify again')
  .option('--repair-rate <rows/s>', 'with --repair: rows per second written at most')
  .option('--restart', 'start over instead of resuming an interrupted comparison')
  .option('--watch', 'continuous compensation: check new and changed rows of the tasks with watch settings, with callbacks, until SIGTERM')
  .action(async (o: VerifyCommandOptions) => {
    process.exitCode = await verifyCommand(o);
  });

program.command('schedule').description('run a scheduler node until SIGTERM: fires the jobs of the config (and the store) on their schedules; several nodes may share a MySQL/PostgreSQL store')
  .requiredOption('-c, --config <file>', 'config file (YAML) with scheduler settings and jobs')
  .action(async (o: { config: string }) => {
    process.exitCode = await scheduleCommand(o.config);
  });

program.command('jobs').description('scheduled jobs: list, run-now JOB, next JOB, runs JOB')
  .argument('<action>', 'list | run-now | next | runs')
  .argument('[job]', 'the job name (run-now, next, runs)')
  .requiredOption('-c, --config <file>', 'config file (YAML) with the jobs and the metadata store')
  .option('-p, --param <key=value...>', 'run-now: parameters of this fire (JSON values or plain text)')
  .option('--wait', 'run-now: wait for the final status; exit 0 when it succeeded, 1 otherwise')
  .option('--timeout <seconds>', 'run-now --wait: give up after this long', '600')
  .option('-n, --count <n>', 'next: how many fire times (default 10); runs: how many fires (default 20)')
  .option('--json', 'list, next: JSON instead of a table')
  .action(async (action: string, job: string | undefined, o: JobsCommandOptions) => {
    process.exitCode = await jobsCommand(action, job, o);
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof SluiceError) process.stderr.write(`${err.describe()}\n`);
  else process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
}
