/** Buffers that rows of a result are copied into, grown by doubling. */

/** Field offsets are 32-bit: a chunk of rows holds less than 2 GiB. */
const MAX_BYTES = 2 ** 31 - 1;

export function grow(buffer: Buffer, need: number): Buffer {
  if (need > MAX_BYTES) throw new RangeError(`a chunk of rows over ${MAX_BYTES} bytes; use a smaller readBatch`);
  const next = Buffer.allocUnsafe(Math.min(MAX_BYTES, Math.max(need, buffer.length * 2)));
  buffer.copy(next, 0, 0, buffer.length);
  return next;
}

export function growInts(ints: Int32Array, need: number): Int32Array {
  const next = new Int32Array(Math.max(need, ints.length * 2));
  next.set(ints);
  return next;
}
