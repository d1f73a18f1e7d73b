/**
 * Date and datetime formatting by string slicing. Values arrive as `2024-02-29` or
 * `2024-02-29 23:59:59.123456`; no Date object is involved, so years beyond the JS Date range
 * and microseconds survive. Pattern tokens (Java / go-mysql-transfer and moment spellings):
 *   yyyy YYYY year · yy YY two-digit year · MM M month · dd d DD D day of month
 *   HH H hour (24h) · mm m minute · ss s second · S to SSSSSSSSS fraction digits (zero-padded)
 * Other letters must be quoted as literal text: `'T'` (Java) or `[T]` (moment); `''` is a quote.
 * Everything else is copied as is. A date value formats with a time of 00:00:00.
 */
export type DateFormatter = (value: string) => string;

const YEAR = 1, YEAR2 = 2, MONTH = 3, MONTH1 = 4, DAY = 5, DAY1 = 6;
const HOUR = 7, HOUR1 = 8, MINUTE = 9, MINUTE1 = 10, SECOND = 11, SECOND1 = 12;
/** Fraction tokens are FRACTION + digit count. */
const FRACTION = 100;

type Part = string | number;

/** Field code for a run of one pattern letter, by run length. */
type Token = (run: number) => number | undefined;
const oneOrTwo = (one: number, two: number): Token => (n) => (n === 1 ? one : n === 2 ? two : undefined);
const year: Token = (n) => (n === 2 ? YEAR2 : YEAR);
const day = oneOrTwo(DAY1, DAY);

const tokens: Record<string, Token> = {
  y: year,
  Y: year,
  M: oneOrTwo(MONTH1, MONTH),
  d: day,
  D: day,
  H: oneOrTwo(HOUR1, HOUR),
  m: oneOrTwo(MINUTE1, MINUTE),
  s: oneOrTwo(SECOND1, SECOND),
  S: (n) => (n <= 9 ? FRACTION + n : undefined),
};

const SUPPORTED = "yyyy yy MM M dd d HH H mm m ss s S…SSSSSSSSS (quote other text as 'T' or [T])";

/**
 * Reads the literal starting at `start` (`'...'` or `[...]`) and returns its text and the index
 * after it. Inside quotes, and on its own, `''` stands for one quote.
 */
function readLiteral(pattern: string, start: number): [string, number] {
  const close = pattern[start] === '[' ? ']' : "'";
  let text = '';
  let from = start + 1;
  for (;;) {
    const end = pattern.indexOf(close, from);
    if (end < 0) throw new Error(`unterminated ${pattern[start]}...${close} literal at position ${start} in "${pattern}"`);
    if (close === "'" && end === start + 1) return ["'", end + 1];
    text += pattern.slice(from, end);
    if (close === ']' || pattern[end + 1] !== "'") return [text, end + 1];
    text += "'";
    from = end + 2;
  }
}

/** Splits a pattern into literal strings and field codes; throws on an unsupported letter. */
function parsePattern(pattern: string): Part[] {
  const parts: Part[] = [];
  let literal = '';
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === "'" || ch === '[') {
      const [text, next] = readLiteral(pattern, i);
      literal += text;
      i = next;
    } else if (/[A-Za-z]/.test(ch)) {
      let run = 1;
      while (pattern[i + run] === ch) run++;
      const code = tokens[ch]?.(run);
      if (code === undefined) {
        throw new Error(`unsupported token "${ch.repeat(run)}" at position ${i} in "${pattern}"; supported: ${SUPPORTED}`);
      }
      if (literal !== '') parts.push(literal);
      literal = '';
      parts.push(code);
      i += run;
    } else {
      literal += ch;
      i++;
    }
  }
  if (literal !== '') parts.push(literal);
  return parts;
}

/** `09` → `9`, `00` → `0`. */
function unpad(two: string): string {
  return two.charCodeAt(0) === 48 ? two.slice(1) : two;
}

function timeField(value: string, start: number): string {
  return value.length >= start + 2 ? value.slice(start, start + 2) : '00';
}

function field(code: number, v: string): string {
  switch (code) {
    case YEAR: return v.slice(0, 4);
    case YEAR2: return v.slice(2, 4);
    case MONTH: return v.slice(5, 7);
    case MONTH1: return unpad(v.slice(5, 7));
    case DAY: return v.slice(8, 10);
    case DAY1: return unpad(v.slice(8, 10));
    case HOUR: return timeField(v, 11);
    case HOUR1: return unpad(timeField(v, 11));
    case MINUTE: return timeField(v, 14);
    case MINUTE1: return unpad(timeField(v, 14));
    case SECOND: return timeField(v, 17);
    case SECOND1: return unpad(timeField(v, 17));
  }
  const digits = code - FRACTION;
  const fraction = v.length > 20 && v.charCodeAt(19) === 46 ? v.slice(20, 20 + digits) : '';
  return fraction.length === digits ? fraction : fraction.padEnd(digits, '0');
}

/**
 * Compiles a pattern once into a formatter. The formatter returns its input unchanged when it is
 * not a `YYYY-MM-DD…` string or is a zero date (`0000-00-00…`).
 */
export function compileDateFormat(pattern: string): DateFormatter {
  const parts = parsePattern(pattern);
  return (value) => {
    if (value.length < 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return value;
    if (value.startsWith('0000-00-00')) return value;
    let out = '';
    for (const part of parts) out += typeof part === 'string' ? part : field(part, value);
    return out;
  };
}
