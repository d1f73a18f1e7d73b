import { createServer, type Server } from 'node:http';
import type { Metrics } from '../core/metrics.ts';

/** Serves `/metrics` (Prometheus text format) and `/healthz` on HOST:PORT. */
export async function serveMetrics(listen: string, metrics: Metrics): Promise<Server> {
  const colon = listen.lastIndexOf(':');
  const host = listen.slice(0, colon);
  const port = Number(listen.slice(colon + 1));
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      metrics.registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(text);
      }, (err: Error) => {
        res.writeHead(500).end(err.message);
      });
    } else if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  server.unref();
  return server;
}
