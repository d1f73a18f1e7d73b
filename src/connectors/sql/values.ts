import type { TypeFamily } from './sql-engine.ts';

/** An exact integer as SqlValue: a number within ±(2^53-1), else its decimal text. */
export function integerValue(value: bigint | string): number | string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : String(value);
}

const fraction = /\.(\d*?)0*(Z?)$/;

/** Drops trailing zeros of fractional seconds: `12:00:00.500000` → `12:00:00.5`, `.000000` → ``. */
export function trimFraction(text: string): string {
  return text.replace(fraction, (_m, digits: string, z: string) => (digits ? `.${digits}${z}` : z));
}

const dateTime = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * A date-time text as a UTC timestamp value `YYYY-MM-DD HH:MM:SS[.ffffff]Z`. Without a zone the
 * text is taken as UTC; an offset (`+08`, `+05:30`) is applied. Other text is returned unchanged.
 */
export function utcTimestamp(text: string): string {
  const m = dateTime.exec(text);
  if (!m) return text;
  const [, y, mo, d, h, mi, s, frac = '', zone] = m;
  let offsetMinutes = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
  }
  let base = `${y}-${mo}-${d} ${h}:${mi}:${s}`;
  if (offsetMinutes !== 0) {
    const t = new Date(0);
    t.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
    t.setUTCHours(Number(h), Number(mi) - offsetMinutes, Number(s));
    base = `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
  }
  return trimFraction(`${base}${frac}Z`);
}

/** A date-time text as a wall-clock value `YYYY-MM-DD HH:MM:SS[.ffffff]` (a trailing `Z` is dropped). */
export function wallClock(text: string): string {
  const m = dateTime.exec(text);
  if (!m) return text;
  const [, y, mo, d, h, mi, s, frac = '', zone] = m;
  if (zone && zone.toUpperCase() !== 'Z') return text;
  return trimFraction(`${y}-${mo}-${d} ${h}:${mi}:${s}${frac}`);
}

/** The families whose values are compared and written as date/time text. */
export function isTemporal(family: TypeFamily | undefined): boolean {
  return family === 'date' || family === 'datetime' || family === 'timestamp' || family === 'time';
}

/** Bytes for drivers that want a Buffer (a Buffer is passed through). */
export function toBuffer(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** A zoned date-time text as the UTC wall clock without a zone (`...Z` → `...`); other text unchanged but `T` → space. */
export function utcWallClock(text: string): string {
  const m = dateTime.exec(text);
  if (!m) return text;
  return m[8] ? utcTimestamp(text).slice(0, -1) : text.replace('T', ' ');
}

/** The shortest decimal that reads back as the same float32 (what FLOAT/REAL columns hold). */
export function shortestFloat32(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.fround(x);
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) return candidate;
  }
  return f;
}
