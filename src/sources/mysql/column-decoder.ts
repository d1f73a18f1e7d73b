import type { Value } from '../../core/event.ts';

/**
 * Turns the binlog reader's raw column values (read with `dateStrings: true`, `timezone: 'Z'`)
 * into Sluice's lossless JSON-safe values. One decoder per column, chosen once per table version.
 * The mapping is documented in docs/types.md.
 */
export type ColumnDecoder = ((raw: unknown) => Value) | null;

export interface DecoderOptions {
  /** IANA zone the source writes DATETIME values in. */
  readonly timezone: string;
  readonly bitAs: 'number' | 'string';
  readonly zeroDate: 'string' | 'null';
}

const isZero = (s: string) => s.startsWith('0000-00-00');

/** Shortest decimal that maps back to the same float32, so FLOAT 3.14159 reads as 3.14159. */
export function float32(raw: unknown): Value {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return raw as Value;
  for (let p = 1; p <= 9; p++) {
    const v = Number(raw.toPrecision(p));
    if (Math.fround(v) === raw) return v;
  }
  return raw;
}

function bits(raw: unknown, as: 'number' | 'string'): Value {
  if (!Buffer.isBuffer(raw)) return raw as Value;
  let n = 0n;
  for (const byte of raw) n = (n << 8n) | BigInt(byte);
  if (as === 'string') return n.toString(2);
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}

/** Parses JSON text keeping integers beyond 2^53 exact (as raw JSON numbers on re-serialization). */
export function parseJsonExact(text: string): Value {
  return JSON.parse(text, (_key, value, context?: { source?: string }) => {
    if (typeof value === 'number' && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source)) {
      return (JSON as unknown as { rawJSON(s: string): Value }).rawJSON(context.source);
    }
    return value;
  }) as Value;
}

const offsetCache = new Map<string, string>();
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** UTC offset (`+08:00`, `Z`) of a wall-clock time in `zone`, cached per zone and hour. */
function offsetOf(wallClock: string, zone: string): string {
  const cacheKey = `${zone}|${wallClock.slice(0, 13)}`;
  let offset = offsetCache.get(cacheKey);
  if (offset === undefined) {
    const asUtc = Date.parse(`${wallClock.slice(0, 19).replace(' ', 'T')}Z`);
    const parts = formatterFor(zone).formatToParts(asUtc);
    const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
    const zoned = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    const minutes = Math.round((zoned - asUtc) / 60_000);
    const abs = Math.abs(minutes);
    offset = minutes === 0 ? 'Z' : `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    if (offsetCache.size > 10_000) offsetCache.clear();
    offsetCache.set(cacheKey, offset);
  }
  return offset;
}

/** Picks the decoder for a column from its SQL type (`decimal(30,10)`, `bit(10)`, `year`...). */
export function decoderFor(columnType: string, options: DecoderOptions, isJson: boolean): ColumnDecoder {
  const base = columnType.toLowerCase().replace(/\(.*$/, '').replace(/ unsigned$/, '').trim();
  const zero = (s: string): Value => (options.zeroDate === 'null' ? null : s);
  if (isJson || base === 'json') {
    return (raw) => (typeof raw === 'string' ? parseJsonExact(raw) : (raw as Value));
  }
  switch (base) {
    case 'float':
      return float32;
    case 'bit':
      return (raw) => bits(raw, options.bitAs);
    case 'year':
      // The reader maps YEAR 0000 to 1900, which MySQL cannot store: 1900 therefore means 0000.
      return (raw) => (raw === 1900 ? 0 : (raw as Value));
    case 'set':
      return (raw) => (typeof raw === 'string' ? (raw === '' ? [] : raw.split(',')) : (raw as Value));
    case 'date':
      return (raw) => (typeof raw === 'string' && isZero(raw) ? zero(raw) : (raw as Value));
    case 'timestamp':
      return (raw) => {
        if (typeof raw !== 'string') return raw as Value;
        if (isZero(raw)) return zero(raw);
        return `${raw.slice(0, 10)}T${raw.slice(11)}Z`;
      };
    case 'datetime': {
      const utc = options.timezone === 'UTC' || options.timezone === 'Etc/UTC';
      return (raw) => {
        if (typeof raw !== 'string') return raw as Value;
        if (isZero(raw)) return zero(raw);
        return `${raw.slice(0, 10)}T${raw.slice(11)}${utc ? 'Z' : offsetOf(raw, options.timezone)}`;
      };
    }
    case 'tinyint': case 'smallint': case 'mediumint': case 'int': case 'integer': case 'bigint':
    case 'decimal': case 'double': case 'real': case 'time': case 'enum':
    case 'char': case 'varchar': case 'tinytext': case 'text': case 'mediumtext': case 'longtext':
      return null; // already exact: numbers, exact strings (DECIMAL, BIGINT beyond 2^53, TIME)
    default:
      // Binary strings (BLOB, BINARY, VARBINARY, and MariaDB UUID/INET under FULL metadata) as base64.
      return (raw) => (Buffer.isBuffer(raw) ? raw.toString('base64') : (raw as Value));
  }
}
