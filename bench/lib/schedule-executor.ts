/**
 * The benchmark's executor, in its own process (forked with IPC) so its work does not share the
 * scheduler's event loop: records fireId, job, slot and the time the request arrived (its headers
 * parsed), then answers 200 at once, draining the small body without waiting for it. It is part of
 * what the lag measures, so it does nothing else. On the message `report` it sends what it saw and exits.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ExecutorReport {
  /** [fireId, job, scheduledAt, receivedAt] per request. */
  readonly hits: [string, string, number, number][];
}

const hits: [string, string, number, number][] = [];
const server = createServer((req, res) => {
  const receivedAt = Date.now();
  hits.push([String(req.headers['x-sluice-fire-id']), String(req.headers['x-sluice-job']), Number(req.headers['x-sluice-scheduled-at']), receivedAt]);
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '11' }).end('{"ok":true}');
});
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
process.on('message', (m: unknown) => {
  if (m !== 'report') return;
  const report: ExecutorReport = { hits };
  process.send!(report, () => {
    server.closeAllConnections();
    server.close();
    process.exit(0);
  });
});
