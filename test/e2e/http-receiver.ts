import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly json: { batchId: string; events: Record<string, unknown>[] };
}

/** A real webhook receiver on loopback; `respond` decides the status of each request. */
export async function startReceiver(respond: (req: ReceivedRequest) => number = () => 200) {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.method !== 'POST') return void res.writeHead(204).end();
      const received = { headers: req.headers, body, json: JSON.parse(body) as ReceivedRequest['json'] };
      const status = respond(received);
      if (status >= 200 && status < 300) requests.push(received);
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    events: () => requests.flatMap((r) => r.json.events),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
