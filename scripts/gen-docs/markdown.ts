/** Small markdown helpers for the generated reference docs (GitHub-flavoured markdown). */

/** Splits text into code spans and prose so prose can be escaped without touching code. */
function splitCode(text: string): { code: boolean; text: string }[] {
  const parts: { code: boolean; text: string }[] = [];
  const re = /(`+)([\s\S]*?[^`])\1(?!`)/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) parts.push({ code: false, text: text.slice(last, m.index) });
    parts.push({ code: true, text: m[0] });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ code: false, text: text.slice(last) });
  return parts;
}

/**
 * Escapes characters that would turn prose into markup by accident (`*.*` → emphasis,
 * `<command>` → an HTML tag). Code spans are left alone; the texts use them on purpose.
 */
export function inline(text: string): string {
  return splitCode(text)
    .map((p) => (p.code ? p.text : p.text.replace(/\\/g, '\\\\').replace(/([*<>[\]])/g, '\\$1').replace(/(^|[^A-Za-z0-9])_|_(?=[^A-Za-z0-9]|$)/g, (m) => m.replace('_', '\\_'))))
    .join('');
}

/** Inline text made safe for one table cell: no line breaks, pipes escaped (also inside code, as GFM requires). */
export function cell(text: string): string {
  return inline(text.replace(/\s*\n\s*/g, ' ').trim()).replace(/\|/g, '\\|');
}

/** A code span that survives any backticks in `text`. */
export function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A GFM table; cells must already be escaped with `cell` (or be trusted markdown). */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A fenced code block. */
export function fence(lang: string, body: string): string {
  const longest = Math.max(2, ...[...body.matchAll(/^`{3,}/gm)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}${lang}\n${body.replace(/\n+$/, '')}\n${f}`;
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

/**
 * Collects blocks and headings while a document is built, so the table of contents always
 * matches the headings. Headings must be unique (their anchors are linked to by `slug`).
 */
export class Doc {
  private readonly blocks: string[] = [];
  private readonly headings: { level: number; text: string }[] = [];

  /** Adds a heading and returns its anchor (`#...`). */
  heading(level: number, text: string): string {
    const anchor = slug(text);
    if (this.headings.some((h) => slug(h.text) === anchor)) throw new Error(`duplicate heading anchor #${anchor}`);
    this.blocks.push(`${'#'.repeat(level)} ${text}`);
    this.headings.push({ level, text });
    return `#${anchor}`;
  }

  add(...blocks: string[]): void {
    this.blocks.push(...blocks.filter((b) => b !== ''));
  }

  /** Table of contents of the headings at `levels`, as a nested list. */
  toc(levels: readonly number[]): string {
    const min = Math.min(...levels);
    return this.headings
      .filter((h) => levels.includes(h.level))
      .map((h) => `${'  '.repeat(h.level - min)}- [${h.text}](#${slug(h.text)})`)
      .join('\n');
  }

  render(): string {
    return `${this.blocks.join('\n\n').trimEnd()}\n`;
  }
}
