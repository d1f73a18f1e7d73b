import type { SqlColumn, SqlValue, TypeFamily } from '../connectors/sql/sql-engine.ts';

/**
 * The canonical text of a value, so that equal data compares equal across engines and anything
 * else does not:
 * - DECIMAL/NUMERIC: the exact number without insignificant zeros ("1.50" = "1.5"; "12.345" ≠ "12.35")
 * - FLOAT/DOUBLE: rounded to `floatDigits` significant digits (the documented tolerance)
 * - TIMESTAMP (with zone): UTC with microseconds; DATETIME (wall clock): the same form without zone
 * - JSON: keys sorted, numbers by their exact text; binary: hex; BOOLEAN: 0/1
 * - text: exactly as stored (no case folding or Unicode normalization: 'é' ≠ 'é')
 * NULL is distinct from every text, the empty string included.
 */
export type Canonical = string | null;

export interface CanonicalOptions {
  /** Significant digits floats are compared at (default 15 for DOUBLE; FLOAT(24) columns use 6). */
  readonly floatDigits: number;
}

export function canonicalDecimal(text: string): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!m) return text;
  const int = m[2]!.replace(/^0+(?=\d)/, '') || '0';
  const frac = (m[3] ?? '').replace(/0+$/, '');
  const sign = m[1] === '-' && (int !== '0' || frac !== '') ? '-' : '';
  return frac ? `${sign}${int}.${frac}` : `${sign}${int}`;
}

function canonicalFloat(value: number, digits: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  return Number(value.toPrecision(digits)).toString();
}

const timeText = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC when the text has an offset); a bare date stays a date. */
export function canonicalTime(text: string): string {
  const m = timeText.exec(text.trim());
  if (!m) return text;
  if (m[2] === undefined) return m[1]!;
  const micros = (m[3] ?? '').padEnd(6, '0').slice(0, 6);
  if (!m[4] || m[4] === 'Z' || /^[+-]00:?00$/.test(m[4])) return `${m[1]} ${m[2]}.${micros}`;
  const offset = m[4].replace(':', '');
  const ms = Date.parse(`${m[1]}T${m[2]}${offset.slice(0, 3)}:${offset.slice(3)}`);
  const utc = new Date(ms).toISOString();
  return `${utc.slice(0, 10)} ${utc.slice(11, 19)}.${micros}`;
}

function sortJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortJson);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortJson((v as Record<string, unknown>)[k])]));
  return v;
}

export function canonicalJson(text: string): string {
  try {
    // Numbers keep their source text, so a big integer that lost digits is a difference.
    const parsed = JSON.parse(text, (_k, value, context?: { source?: string }) => (typeof value === 'number' ? `#${canonicalDecimal(context?.source ?? String(value))}` : value));
    return JSON.stringify(sortJson(parsed));
  } catch {
    return text;
  }
}

export function canonicalValue(value: SqlValue, family: TypeFamily, options: CanonicalOptions): Canonical {
  if (value === null) return null;
  if (value instanceof Uint8Array) return `x${Buffer.from(value).toString('hex')}`;
  if (typeof value === 'boolean') return value ? '1' : '0';
  switch (family) {
    case 'decimal':
    case 'integer':
      return canonicalDecimal(String(value));
    case 'float':
      return typeof value === 'number' ? canonicalFloat(value, options.floatDigits) : canonicalDecimal(value);
    case 'boolean':
      return String(Number(value) ? 1 : 0);
    case 'date':
    case 'datetime':
    case 'timestamp':
    case 'time':
      return typeof value === 'string' ? canonicalTime(value) : String(value);
    case 'json':
      return typeof value === 'string' ? canonicalJson(value) : JSON.stringify(value);
    default:
      return String(value);
  }
}

/** Float digits for a column: FLOAT(24) holds ~7 significant digits, DOUBLE ~15. */
export function floatDigitsFor(column: SqlColumn | undefined, doubleDigits: number): number {
  return column?.family === 'float' && column.length === 24 ? Math.min(6, doubleDigits) : doubleDigits;
}
