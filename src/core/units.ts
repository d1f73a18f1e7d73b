import { z } from 'zod';

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const sizeUnits: Record<string, number> = {
  b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3,
};

/** "250ms", "5s", "1m30s", "2h" → milliseconds; a bare number is milliseconds. */
export function parseDuration(text: string | number): number {
  if (typeof text === 'number') return text;
  const t = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * durationUnits[m[2]!]!;
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== t.length) throw new Error(`"${text}" is not a duration (e.g. 500ms, 5s, 1m30s, 2h)`);
  return total;
}

/** "64MiB", "1.5MB", "512KiB", "100" → bytes. */
export function parseSize(text: string | number): number {
  if (typeof text === 'number') return text;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = sizeUnits[(m?.[2] || 'b').toLowerCase()];
  if (!m || unit === undefined) throw new Error(`"${text}" is not a size (e.g. 512KiB, 64MiB, 1GB)`);
  return Math.round(Number(m[1]) * unit);
}

function unitSchema(parse: (v: string | number) => number, example: string) {
  return z.union([z.string(), z.number().nonnegative()]).transform((v, ctx) => {
    try {
      return parse(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  }).meta({ description: `e.g. ${example}` });
}

/** Config field holding a duration; parsed to milliseconds. */
export const duration = () => unitSchema(parseDuration, '"5s"');
/** Config field holding a size; parsed to bytes. */
export const size = () => unitSchema(parseSize, '"64MiB"');
