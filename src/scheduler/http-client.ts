import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { ExecutorRequest } from './executor-request.ts';

export interface HttpReply {
  readonly status: number;
  /** The body as text, cut after `maxBody` bytes (the rest is read and dropped, so the connection is reused). */
  readonly body: string;
}

const MAX_BODY = 64 * 1024;

/**
 * Executor calls over node:http with keep-alive agents. Measured through the whole fire runner on
 * a 2-core machine against a loopback executor: about 6,000 fires/s (5,000 signed), where fetch
 * (undici) managed 2,800 (1,400 signed).
 */
export class HttpClient {
  private readonly http = new HttpAgent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 256, scheduling: 'lifo' });
  private readonly https = new HttpsAgent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 256, scheduling: 'lifo' });

  send(req: ExecutorRequest, signal: AbortSignal): Promise<HttpReply> {
    const u = new URL(req.url);
    const secure = u.protocol === 'https:';
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
    return new Promise<HttpReply>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason as Error);
      const call = (secure ? httpsRequest : httpRequest)(u, { method: req.method, headers, agent: secure ? this.https : this.http, signal }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_BODY) chunks.push(size + chunk.length > MAX_BODY ? chunk.subarray(0, MAX_BODY - size) : chunk);
          size += chunk.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      call.on('error', reject);
      call.end(req.body);
    });
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}
