/** Reference documentation of the HTTP target (rendered into docs and the UI). */
export const httpDescription = `Delivers change events to a webhook as JSON. Each batch is sent as one or more
\`POST\` (or \`PUT\`) requests of at most \`maxEventsPerRequest\` events, one after another, each
waiting for the previous one to be acknowledged. A rule with its own \`http.url\` sends its tables to
that endpoint (a rule's \`http.headers\` are merged over the target's); events keep their source
order per endpoint. Any \`2xx\` response acknowledges the request. Sluice checkpoints only once
every request of a batch is acknowledged, and a failed batch is retried whole, so delivery is
at-least-once: receivers must be idempotent (see \`idempotency-key\` and \`events[].id\`).

**Body** (\`envelope: sluice\`):

\`\`\`json
{
  "batchId": "9b0f6c1e2d3a4b5c6d7e8f9a0b1c2d3e",
  "events": [
    {
      "id": "0-1-28#0",
      "op": "update",
      "db": "shop",
      "table": "orders",
      "key": [42],
      "before": { "id": 42, "status": "new" },
      "after": { "id": 42, "status": "paid" },
      "position": "mysql-bin.000003:1234@0-1-28",
      "commitTime": "2026-11-22T04:57:44.000Z"
    }
  ]
}
\`\`\`

- \`id\`: transaction id (GTID or \`file:pos\`) + \`#\` + row index; stable across replays, dedupe on it.
- \`op\`: \`insert\`, \`update\` or \`delete\`. \`before\` is \`null\` for inserts, \`after\` for deletes.
- \`before\` / \`after\`: the rows after the rule's column rules (include, rename, formats...).
- \`key\`: primary key values in key order (all columns when the table has no primary key).
- \`position\`: \`FILE:POS\` or \`FILE:POS@GTIDSET\`, the resume point after the event's transaction.
- \`commitTime\`: source commit time, ISO-8601 UTC (the binlog stores whole seconds).

**Headers**

| Header | Value |
| --- | --- |
| \`content-type\` | \`application/json\` |
| \`x-sluice-batch-id\` | the body's \`batchId\` |
| \`idempotency-key\` | the body's \`batchId\`: a hash of the request's first and last event ids and its event count, so a retried or replayed request carries the same key (batches cut differently after a restart get new keys: \`events[].id\` is the exact dedupe key) |
| \`x-sluice-timestamp\` | send time, Unix seconds (new on every attempt) |
| \`x-sluice-key-id\` | \`signing.keyId\` (signed requests only) |
| \`x-sluice-signature\` (\`signing.header\`) | \`v1=<signature>\` (signed requests only) |

Headers from \`headers\` are added to every request; they cannot replace the ones above.

**Signature.** With \`signing\` set, \`<signature>\` is the lower-case hex HMAC-SHA256, keyed with
\`signing.secret\`, of the UTF-8 bytes of \`<x-sluice-timestamp>.<body>\` (the timestamp header
value, a dot, then the raw body exactly as received). A receiver looks the secret up by
\`x-sluice-key-id\`, rejects timestamps more than 5 minutes from its own clock (replay window),
recomputes the HMAC over the raw body before parsing it, and compares in constant time. To rotate,
add the new key id and secret to the receivers, then change \`signing\` in Sluice. Node receivers
can call \`verifySignature\` from \`src/connectors/http/signature.ts\`:

\`\`\`ts
const result = verifySignature({ headers: req.headers, body: rawBody, secrets: { k2026: webhookSecret } });
if (!result.ok) return res.writeHead(401).end(result.reason);
\`\`\`

**Responses and errors**

| Outcome | Error | Sluice does |
| --- | --- | --- |
| \`2xx\` | — | acknowledges the request |
| \`408\`, \`429\`, \`5xx\` | \`SLUICE_3005\` | retries |
| any other status (\`3xx\` redirects are not followed, \`4xx\`) | \`SLUICE_3002\` | dead-letters the batch with the status and the first 500 characters of the response body |
| no complete response within \`timeout\` | \`SLUICE_3003\` | retries with backoff |
| connection refused, DNS or TLS failure | \`SLUICE_3001\` | retries with backoff |

\`sluice check\` sends a \`HEAD\` request to \`url\`: any HTTP answer, whatever its status, counts as reachable.
`;

export const httpExample = `targets:
  - type: http
    name: webhook
    http:
      url: https://hooks.example.com/sluice
      headers:
        authorization: Bearer \${WEBHOOK_TOKEN}
      timeout: 5s
      maxEventsPerRequest: 200
      signing:
        keyId: k2026
        secret: \${WEBHOOK_SECRET}
    rules:
      - match: shop.orders
      - match: shop.payments
        http:
          url: https://payments.example.com/hooks/sluice
`;
