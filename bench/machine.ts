/**
 * The machine a benchmark ran on, for the results file: CPU model and cores, RAM, OS, Node,
 * MariaDB and Redis versions, and the date. `npm run bench -- machine` prints it.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { availableParallelism, release, totalmem } from 'node:os';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface MachineInfo {
  /** ISO date-time (UTC) the description was taken. */
  readonly date: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly ramGiB: number;
  readonly os: string;
  readonly kernel: string;
  readonly node: string;
  readonly mariadb: string;
  readonly redis: string;
}

async function firstMatch(file: string, pattern: RegExp): Promise<string | undefined> {
  try {
    return pattern.exec(await readFile(file, 'utf8'))?.[1]?.trim();
  } catch {
    return undefined;
  }
}

async function versionOf(command: string, args: readonly string[], pattern: RegExp): Promise<string> {
  try {
    const { stdout } = await exec(command, args);
    return pattern.exec(stdout)?.[1] ?? stdout.trim();
  } catch {
    return 'not installed';
  }
}

/**
 * Describes this machine. `mariadbVersion` (e.g. `SELECT VERSION()` of the server used) wins over
 * `mariadbd --version`, which is the fallback.
 */
export async function describeMachine(options: { mariadbVersion?: string } = {}): Promise<MachineInfo> {
  const [cpuModel, os, mariadb, redis] = await Promise.all([
    firstMatch('/proc/cpuinfo', /^model name\s*:\s*(.+)$/m),
    firstMatch('/etc/os-release', /^PRETTY_NAME="?([^"\n]+)"?$/m),
    options.mariadbVersion ?? versionOf('mariadbd', ['--version'], /Ver\s+(\S+)/),
    versionOf('redis-server', ['--version'], /v=(\S+)/),
  ]);
  return {
    date: new Date().toISOString(),
    cpuModel: cpuModel ?? 'unknown',
    cores: availableParallelism(),
    ramGiB: Math.round(totalmem() / 2 ** 30),
    os: os ?? process.platform,
    kernel: release(),
    node: process.version,
    mariadb,
    redis,
  };
}

/** One line for a results table, e.g. `AMD EPYC, 2 cores, 24 GiB, Debian 12, Node v24.21.0, MariaDB 10.11.19, Redis 7.0.15`. */
export function machineLine(m: MachineInfo): string {
  return `${m.cpuModel}, ${m.cores} cores, ${m.ramGiB} GiB RAM, ${m.os} (kernel ${m.kernel}), Node ${m.node}, MariaDB ${m.mariadb}, Redis ${m.redis}`;
}

export async function run(): Promise<void> {
  console.log(JSON.stringify(await describeMachine(), null, 2));
}
