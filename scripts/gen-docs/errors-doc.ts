/** Builds docs/errors.md from the error catalog. */
import { connectorSpecs } from '../../src/connectors/registry.ts';
import { errorCatalog, type CatalogEntry, type ErrorKind } from '../../src/core/error-catalog.ts';
import { generatedNotice } from './config-reference.ts';
import { cell, code, Doc, slug, table } from './markdown.ts';

/** The code ranges; a code outside them fails generation so a new range gets a section. */
const ranges: Record<string, { readonly title: string; readonly about: string }> = {
  '1': { title: 'Configuration', about: 'The config file, its values, environment variables and rules.' },
  '2': { title: 'Source', about: 'The MySQL/MariaDB server and its binary log.' },
  '3': { title: 'Targets', about: `Writing to the targets (${connectorSpecs.map((s) => s.title).join(', ')}).` },
  '4': { title: 'Pipeline', about: 'Batching, failure policy and the stream as a whole.' },
  '5': { title: 'Metadata store', about: 'The checkpoint and dead-letter store (`metadata.url`).' },
  '6': { title: 'Command line', about: 'Arguments of the `sluice` command.' },
  '7': { title: 'SQL databases and sync', about: 'Reading and writing MySQL/MariaDB, PostgreSQL and SQLite tables (70xx), and `sluice sync` tasks (71xx).' },
};

/** What the runtime does with each kind; typed so a new kind cannot go undocumented. */
const kinds: Record<ErrorKind, { readonly action: string; readonly details: string }> = {
  retryable: {
    action: 'retry',
    details: 'A transient failure. A target write is retried, the first time at once and then with backoff as for `backoff`; when `pipeline.retry.attempts` are used up, `pipeline.onFailure` applies.',
  },
  backoff: {
    action: 'back off',
    details: 'The other side is unavailable or overloaded. A target write is retried after a random delay of up to `pipeline.retry.initialDelay`, doubling per attempt up to `pipeline.retry.maxDelay`; when `pipeline.retry.attempts` are used up, `pipeline.onFailure` applies (`dlq`: dead-letter the batch, `stop`: stop with SLUICE_4001). Errors without a Sluice code are treated the same way.',
  },
  unrecoverable: {
    action: 'dead-letter',
    details: 'The data itself is rejected, so it is not retried. The batch is split in halves until the rejected rows are isolated; the other rows are written, and the rejected ones go to the dead-letter store with the code and message (`pipeline.onFailure: dlq`, the default) or stop the pipeline with SLUICE_4001 (`stop`).',
  },
  fatal: {
    action: 'stop',
    details: 'The run cannot continue. Sluice stops, prints the message and the hint, and exits with status 1. The checkpoint never passes data that was not acknowledged, so a restart after the fix resumes without loss.',
  },
};

/**
 * What Sluice does with a code. Source errors never reach the target retry loop: the stream's
 * source error handler (src/pipeline/stream-pipeline.ts) reconnects on every non-fatal kind.
 */
function actionOf(rangeDigit: string, kind: ErrorKind): string {
  return rangeDigit === '2' && kind !== 'fatal' ? 'reconnect' : kinds[kind].action;
}

export function renderErrors(): string {
  const entries = (Object.entries(errorCatalog) as [string, CatalogEntry][]).sort(([a], [b]) => a.localeCompare(b));
  const doc = new Doc();

  doc.heading(2, 'Ranges');
  doc.add(table(['Codes', 'Area', 'Covers'], Object.entries(ranges).map(([digit, r]) => [
    `[${digit}xxx](#${slug(`${digit}xxx ${r.title}`)})`, r.title, cell(r.about),
  ])));

  doc.heading(2, 'Kinds');
  doc.add(
    'The kind of an error decides what Sluice does about it.',
    table(['Kind', 'Sluice does', 'Details'], (Object.entries(kinds) as [ErrorKind, (typeof kinds)[ErrorKind]][]).map(([kind, k]) => [code(kind), k.action, cell(k.details)])),
    `Errors of the binlog source (2xxx) are handled by the stream, whatever their kind: once
streaming has started, an error that is not \`fatal\` makes Sluice **reconnect** from the last
transaction it queued, after a growing delay of up to 30 s, until it succeeds. Any error while
the stream first starts stops Sluice.`,
  );

  const byRange = new Map<string, [string, CatalogEntry][]>();
  for (const entry of entries) {
    const digit = /^SLUICE_(\d)\d{3}$/.exec(entry[0])?.[1];
    if (digit === undefined || !ranges[digit]) throw new Error(`${entry[0]} is outside the documented ranges; add its range to scripts/gen-docs/errors-doc.ts`);
    byRange.set(digit, [...(byRange.get(digit) ?? []), entry]);
  }
  for (const [digit, r] of Object.entries(ranges)) {
    const list = byRange.get(digit);
    if (!list) continue;
    doc.heading(2, `${digit}xxx ${r.title}`);
    doc.add(table(['Code', 'Kind', 'Title', 'What to do'], list.map(([id, e]) => [
      code(id), `${actionOf(digit, e.kind)} (${code(e.kind)})`, cell(e.title), cell(e.hint),
    ])));
  }

  return [
    generatedNotice,
    '# Sluice error codes',
    `Every error Sluice raises on purpose has a stable code, \`SLUICE_\` plus four digits. The code is
in the log line (\`code\`), at the start of the message and in dead-letter entries; a released
code never changes meaning. Each message is followed by a hint (after \`→\`): what to do about it.`,
    doc.toc([2]),
    doc.render(),
  ].join('\n\n');
}
