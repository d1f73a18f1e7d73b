import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort, waitFor } from './process.ts';

export interface SmtpServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Everything the server printed: the received messages, headers and bodies. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * A real SMTP server on a free loopback port: Python's standard `smtpd` DebuggingServer (python3
 * from Debian), which accepts every message and prints it. Stopped by PID.
 */
export async function startSmtp(): Promise<SmtpServer> {
  const port = await freePort();
  const child = spawn('python3', ['-W', 'ignore', '-u', '-m', 'smtpd', '-n', '-c', 'DebuggingServer', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // If the test process ends without stop(), the server goes with it.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  void exited.then(() => process.off('exit', kill));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitFor('smtpd to listen', () => new Promise<void>((resolve, reject) => {
      const s = createConnection({ host: '127.0.0.1', port }, () => {
        s.end();
        resolve();
      });
      s.on('error', reject);
    }), 10_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { host: '127.0.0.1', port, output: () => out, stop };
}
