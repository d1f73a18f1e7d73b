/** Header names of the HTTP target's wire format (all lower-case). */
export const wireHeaders = {
  contentType: 'content-type',
  batchId: 'x-sluice-batch-id',
  idempotencyKey: 'idempotency-key',
  timestamp: 'x-sluice-timestamp',
  keyId: 'x-sluice-key-id',
  /** Default name of the signature header; `signing.header` may change it. */
  signature: 'x-sluice-signature',
} as const;
