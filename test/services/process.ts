import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A process the harness started; `stop()` ends it by PID and waits for it to exit. */
export interface ManagedProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

const running = new Set<ManagedProcess>();

// Last line of defence: a test runner that exits (even on failure) kills what it started.
process.once('exit', () => {
  for (const p of running) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export function startProcess(command: string, args: readonly string[], options: { logFile?: string } = {}): ManagedProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 10_000) stderr += d.toString();
  });
  if (child.pid === undefined) throw new Error(`cannot start ${command}`);
  // A server must never keep a test process alive: the exit hook above kills what is left.
  child.unref();
  (child.stderr as { unref?: () => void } | null)?.unref?.();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const managed: ManagedProcess = {
    pid: child.pid,
    child,
    async stop() {
      running.delete(managed);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
  child.once('exit', (code, signal) => {
    if (running.has(managed) && code !== 0) {
      process.stderr.write(`[harness] ${command} exited early (code ${code}, signal ${signal}): ${stderr.slice(-2000)}\n`);
    }
    running.delete(managed);
  });
  running.add(managed);
  return managed;
}

export async function waitFor<T>(what: string, probe: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await probe();
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`timed out waiting for ${what}: ${(last as Error)?.message ?? last}`);
}
