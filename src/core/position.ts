import { sluiceError } from './errors.ts';

/**
 * A binlog resume point: file + offset, plus the executed GTID set when known.
 * Serialized as `FILE:POS` or `FILE:POS@GTIDSET` (e.g. `mysql-bin.000003:1234@0-1-28`).
 */
export interface BinlogPosition {
  readonly file: string;
  readonly pos: number;
  readonly gtid?: string;
}

/** Where a stream starts when it has no stored checkpoint, or when told explicitly. */
export type StartPosition =
  | { readonly kind: 'latest' }
  | { readonly kind: 'earliest' }
  | { readonly kind: 'file'; readonly file: string; readonly pos: number }
  | { readonly kind: 'gtid'; readonly gtid: string };

export function formatPosition(p: BinlogPosition): string {
  return p.gtid ? `${p.file}:${p.pos}@${p.gtid}` : `${p.file}:${p.pos}`;
}

export function parsePosition(text: string): BinlogPosition {
  const at = text.indexOf('@');
  const filePos = at >= 0 ? text.slice(0, at) : text;
  const gtid = at >= 0 ? text.slice(at + 1) : undefined;
  const colon = filePos.lastIndexOf(':');
  const file = filePos.slice(0, colon);
  const pos = Number(filePos.slice(colon + 1));
  if (colon < 0 || (colon === 0 && !gtid) || !Number.isSafeInteger(pos) || pos < 4) {
    throw sluiceError('SLUICE_2011', `"${text}" is not FILE:POS with POS >= 4`, { details: { value: text } });
  }
  return gtid ? { file, pos, gtid } : { file, pos };
}

/** Parses `latest`, `earliest`, `FILE:POS` or `gtid:SET`. */
export function parseStartPosition(text: string): StartPosition {
  const t = text.trim();
  if (t === 'latest' || t === 'earliest') return { kind: t };
  if (t.startsWith('gtid:')) {
    const gtid = t.slice(5).trim();
    if (!/^(\d+-\d+-\d+)(,\d+-\d+-\d+)*$|^[0-9a-f-]{36}:[\d:-]+/i.test(gtid)) {
      throw sluiceError('SLUICE_2011', `"${gtid}" is not a GTID set (MariaDB 0-1-28[,1-1-5] or MySQL uuid:1-28)`);
    }
    return { kind: 'gtid', gtid };
  }
  const p = parsePosition(t);
  return { kind: 'file', file: p.file, pos: p.pos };
}

/** MariaDB GTID position `d-s-n,...` → sequence number per domain; undefined for MySQL sets. */
function mariadbDomains(gtid: string): Map<string, bigint> | undefined {
  const out = new Map<string, bigint>();
  for (const part of gtid.split(',')) {
    const m = /^\s*(\d+)-(\d+)-(\d+)\s*$/.exec(part);
    if (!m) return undefined;
    out.set(m[1]!, BigInt(m[3]!));
  }
  return out;
}

function fileIndex(file: string): number {
  const m = /\.(\d+)$/.exec(file);
  return m ? Number(m[1]) : 0;
}

/**
 * Orders two positions of the same source: negative when `a` is earlier. MariaDB GTID positions
 * over the same domains are compared per domain; otherwise file index, then offset.
 */
export function comparePositions(a: BinlogPosition, b: BinlogPosition): number {
  if (a.gtid && b.gtid) {
    const da = mariadbDomains(a.gtid);
    const db = mariadbDomains(b.gtid);
    if (da && db && da.size === db.size && [...da.keys()].every((k) => db.has(k))) {
      let sign = 0;
      for (const [domain, seq] of da) {
        const other = db.get(domain)!;
        const s = seq < other ? -1 : seq > other ? 1 : 0;
        if (s !== 0) {
          if (sign !== 0 && s !== sign) break; // domains disagree: fall back to file order
          sign = s;
        }
      }
      if (sign !== 0) return sign;
    }
  }
  return fileIndex(a.file) - fileIndex(b.file) || a.file.localeCompare(b.file) || a.pos - b.pos;
}
