import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Row } from '../../core/event.ts';
import { silentLogger } from '../../core/logger.ts';
import { sinkConformance } from '../../../test/conformance/sink-conformance.ts';
import { testRule } from '../../../test/conformance/test-rule.ts';
import { httpSpec } from './spec.ts';

/**
 * The shared sink conformance suite against a real webhook receiver that materializes what it
 * receives (key → last row, deletes remove), the way a keyed consumer of Sluice webhooks would.
 */
let server: Server | undefined;
let url = '';
const state = new Map<string, Row>();

interface WireEvent { op: string; key: unknown[]; before: Row | null; after: Row | null }

sinkConformance('http (keyed receiver)', {
  async start() {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method === 'POST') {
          const { events } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: WireEvent[] };
          for (const e of events) {
            const key = `user:${e.key.join(':')}`;
            // An update may change the primary key: the old row (by `before`) goes away.
            if (e.op === 'update' && e.before && `user:${String(e.before.id)}` !== key) state.delete(`user:${String(e.before.id)}`);
            if (e.op === 'delete') state.delete(key);
            else state.set(key, e.after!);
          }
        }
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  },
  async stop() {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  },
  async reset() {
    state.clear();
  },
  rule: testRule({}),
  async createSink() {
    return httpSpec.createSink(httpSpec.options.parse({ url }), { name: 'conformance', logger: silentLogger });
  },
  async readState() {
    return new Map(state);
  },
  expected(row) {
    return { key: `user:${String(row.id)}`, value: row };
  },
  async disconnect() {
    server?.closeAllConnections();
  },
});
