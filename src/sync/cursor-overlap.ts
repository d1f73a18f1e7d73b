import type { SqlValue } from '../connectors/sql/sql-engine.ts';

const timestamp = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?(Z)?$/;

/**
 * Where the next incremental run starts: the stored cursor value minus the overlap. Numbers move
 * by `overlap` units; date/time text ('2024-01-02 03:04:05.123456', with or without 'Z', or a bare
 * date) by `overlap` milliseconds, keeping the value's own format so the database compares it as
 * it compares the column.
 */
export function cursorStart(value: SqlValue, overlap: number): SqlValue {
  if (overlap === 0 || value === null) return value;
  if (typeof value === 'number') return value - overlap;
  if (typeof value !== 'string') return value;
  const m = timestamp.exec(value);
  if (!m) return /^-?\d+$/.test(value) ? (BigInt(value) - BigInt(Math.round(overlap))).toString() : value;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', z] = m;
  const micros = Number(frac.padEnd(6, '0'));
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) + Math.floor(micros / 1000) - overlap;
  const t = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const date = `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
  if (m[4] === undefined) return date;
  const sep = value[10];
  const fraction = frac ? `.${String(t.getUTCMilliseconds() * 1000 + (micros % 1000)).padStart(6, '0').slice(0, frac.length)}` : '';
  return `${date}${sep}${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}${fraction}${z ?? ''}`;
}
