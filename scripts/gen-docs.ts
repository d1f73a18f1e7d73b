/**
 * `npm run docs`: regenerates docs/config-reference.md and docs/errors.md from the config schemas,
 * the connector registry and the error catalog.
 * `npm run docs -- --check`: exits 1, naming the files, when the committed docs are not current.
 */
import { parseArgs } from 'node:util';
import { generateDocs, repoRoot, staleDocs, writeDocs } from './gen-docs/generate.ts';

const usage = 'usage: node scripts/gen-docs.ts [--check] [--root DIR]';

async function main(argv: string[]): Promise<number> {
  let values: { check?: boolean; root?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { check: { type: 'boolean' }, root: { type: 'string' } }, strict: true }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  const root = values.root ?? repoRoot;
  const { files, gaps } = generateDocs();
  for (const gap of gaps) process.stderr.write(`warning: ${gap.path}: ${gap.problem} in its schema\n`);

  if (values.check) {
    const stale = await staleDocs(root, files);
    for (const path of stale) process.stderr.write(`${path} is out of date; run \`npm run docs\` and commit the result\n`);
    if (stale.length === 0) process.stdout.write(`docs are current (${files.map((f) => f.path).join(', ')})\n`);
    return stale.length === 0 ? 0 : 1;
  }
  const written = await writeDocs(root, files);
  for (const f of files) process.stdout.write(`${written.includes(f.path) ? 'wrote' : 'unchanged'} ${f.path}\n`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
