/** Buffers that rows of a result are copied into, grown by doubling, and the protocol's length-coded integers in them. */

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

/** Bytes of the length-coded integer whose first byte is `tag` (below 0xfb: the value itself; 0xfb is NULL). */
export function codedSize(tag: number): number {
  return tag < 0xfb ? 1 : tag === 0xfc ? 3 : tag === 0xfd ? 4 : 9;
}

/** The value of the length-coded integer at `at` (not NULL). */
export function codedValue(data: Buffer, at: number): number {
  const tag = data[at]!;
  if (tag < 0xfb) return tag;
  if (tag === 0xfc) return data[at + 1]! | (data[at + 2]! << 8);
  if (tag === 0xfd) return data[at + 1]! | (data[at + 2]! << 8) | (data[at + 3]! << 16);
  return data.readUInt32LE(at + 1) + data.readUInt32LE(at + 5) * 2 ** 32;
}
