import { spawn } from 'node:child_process';
import type { IncomingHttpHeaders } from 'node:http';
import { serveLoopback } from '../services/loopback-http.ts';
import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { startProcess, type ManagedProcess } from '../services/process.ts';
import { bin } from './sync-harness.ts';

/** One request that reached the loopback executor. */
export interface ExecutorHit {
  readonly fireId: string;
  readonly job: string;
  readonly scheduledAt: number;
  readonly attempt: number;
  readonly receivedAt: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

/** A real executor on loopback recording every run request (headers and envelope); answers 200 with JSON. */
export async function startExecutor(respond: (hit: ExecutorHit) => number = () => 200) {
  const hits: ExecutorHit[] = [];
  const server = await serveLoopback((req, text, res) => {
    const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    const hit: ExecutorHit = {
      fireId: String(req.headers['x-sluice-fire-id']), job: String(req.headers['x-sluice-job']), scheduledAt: Number(req.headers['x-sluice-scheduled-at']),
      attempt: Number(req.headers['x-sluice-attempt']), receivedAt: Date.now(), headers: req.headers, body,
    };
    hits.push(hit);
    const status = respond(hit);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status < 300, job: hit.job }));
  });
  return { url: server.url, hits, close: server.close };
}

export async function writeConfig(file: string, config: Record<string, unknown>): Promise<string> {
  await writeFile(file, stringify(config));
  return file;
}

/** `sluice schedule -c FILE` as a child process (stopped by the test: SIGTERM, or SIGKILL for a crash). */
export function startScheduler(file: string): ManagedProcess {
  return startProcess(process.execPath, [bin, 'schedule', '-c', file]);
}

/** Waits for a child process to exit and returns its exit code (null when killed by a signal). */
export function exited(p: ManagedProcess): Promise<number | null> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return Promise.resolve(p.child.exitCode);
  return new Promise((resolve) => p.child.once('exit', (code) => resolve(code)));
}

/** Runs `sluice ARGS` to its end. */
export function sluice(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, SLUICE_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export { sleep, until } from '../../src/scheduler/scheduler-test-kit.ts';
