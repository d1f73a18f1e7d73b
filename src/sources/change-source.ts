/**
 * What the stream pipeline needs from a source: start reading, pause and resume for
 * backpressure, stop. Transactions and errors arrive through the callbacks given at construction.
 */
export interface ChangeSource {
  /** Resolves once the stream is connected and positioned; rejects with a SluiceError otherwise. */
  start(): Promise<void>;
  /** Stops reading until every `reason` given to pause was resumed. */
  pause(reason?: string): void;
  resume(reason?: string): void;
  stop(): Promise<void>;
}
