import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { generateDocs, repoRoot } from '../scripts/gen-docs/generate.ts';
import { slug } from '../scripts/gen-docs/markdown.ts';
import { connectorSpecs } from '../src/connectors/registry.ts';
import { redisStructures } from '../src/connectors/redis/schema.ts';
import { errorCatalog } from '../src/core/error-catalog.ts';
import { pipelineSchema } from '../src/pipeline/spec.ts';
import { mysqlSourceSchema } from '../src/sources/mysql/spec.ts';

const run = promisify(execFile);
const script = join(repoRoot, 'scripts/gen-docs.ts');
const { files } = generateDocs();
const generated = (path: string): string => {
  const file = files.find((f) => f.path === path);
  assert.ok(file, `${path} is generated`);
  return file.content;
};
const reference = generated('docs/config-reference.md');
const errors = generated('docs/errors.md');

/** The table row documenting `path` (its first cell is the path as a code span). */
function row(doc: string, path: string): string {
  const line = doc.split('\n').find((l) => l.startsWith(`| \`${path}\` |`));
  assert.ok(line, `a row for ${path}`);
  return line;
}

/** Cells of a table row; `\|` is an escaped pipe inside a cell. */
function cells(line: string): string[] {
  return line.replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map((c) => c.trim());
}

/** Leaf key paths of an object, e.g. `batch.maxRows`. */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix === '' ? k : `${prefix}.${k}`));
}

async function sluiceDocs(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [script, ...args], { env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('generated docs', () => {
  for (const { path, content } of files) {
    test(`${path} is current (run \`npm run docs\` after changing schemas, connectors or error codes)`, async () => {
      const committed = await readFile(join(repoRoot, path), 'utf8').catch(() => '');
      assert.ok(committed === content, `${path} differs from what scripts/gen-docs.ts generates; run \`npm run docs\``);
    });
  }

  test('generation is deterministic and --check passes in another time zone and locale', async () => {
    assert.deepEqual(generateDocs().files, files);
    const result = await sluiceDocs(['--check'], { ...process.env, TZ: 'Pacific/Chatham', LC_ALL: 'de_DE.UTF-8', LANG: 'de_DE.UTF-8' });
    assert.equal(result.code, 0, result.stderr);
  });

  test('--check exits 1 and names each stale or missing file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sluice-docs-'));
    try {
      await mkdir(join(root, 'docs'));
      await writeFile(join(root, 'docs/config-reference.md'), `${reference}\nhand edit\n`);
      const result = await sluiceDocs(['--check', '--root', root]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /docs\/config-reference\.md is out of date/);
      assert.match(result.stderr, /docs\/errors\.md is out of date/);

      const write = await sluiceDocs(['--root', root]);
      assert.equal(write.code, 0, write.stderr);
      assert.equal((await sluiceDocs(['--check', '--root', root])).code, 0);
      assert.equal(await readFile(join(root, 'docs/errors.md'), 'utf8'), errors);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test('tables are well formed and internal links resolve', () => {
    for (const { path, content } of files) {
      const anchors = new Set([...content.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));
      for (const [, anchor] of content.matchAll(/\]\(#([^)]+)\)/g)) assert.ok(anchors.has(anchor!), `${path}: link to #${anchor} has no heading`);
      const lines = content.split('\n');
      let width = 0;
      lines.forEach((line, i) => {
        if (!line.startsWith('|')) {
          width = 0;
          return;
        }
        const n = cells(line).length;
        if (width === 0) width = n;
        else assert.equal(n, width, `${path}:${i + 1} has ${n} cells, its table ${width}: ${line}`);
      });
    }
  });
});

describe('config reference', () => {
  test('documents nested keys with type, default and description', () => {
    const attempts = cells(row(reference, 'pipeline.retry.attempts'));
    assert.equal(attempts[2], '`8`');
    assert.match(attempts[3]!, /attempts/i);
    assert.match(cells(row(reference, 'pipeline.batch.maxRows'))[1]!, /^integer, ≥ 1$/);
    assert.equal(cells(row(reference, 'pipeline.retry.maxDelay'))[2], '`30s`');
    assert.equal(cells(row(reference, 'pipeline.queue.maxBytes'))[2], '`16MiB`');
    assert.equal(cells(row(reference, 'targets[].redis.sentinel.name'))[2], '**required**');
    assert.equal(cells(row(reference, 'source.user'))[2], '**required**');
  });

  test('lists enum values, e.g. redis.structure', () => {
    for (const path of ['targets[].redis.structure', 'targets[].rules[].redis.structure']) {
      const type = cells(row(reference, path))[1]!;
      for (const structure of redisStructures) assert.ok(type.includes(`\`${structure}\``), `${path} lists ${structure}`);
    }
    assert.equal(cells(row(reference, 'targets[].redis.structure'))[2], '`hash`');
  });

  test('covers every source and pipeline key', () => {
    for (const path of leafPaths(mysqlSourceSchema.parse({ user: 'u' }))) row(reference, `source.${path}`);
    for (const path of leafPaths(pipelineSchema.parse({}))) row(reference, `pipeline.${path}`);
  });

  test('has a section per connector with options, rule mapping and example', () => {
    for (const spec of connectorSpecs) {
      assert.ok(reference.includes(`### ${spec.title}\n`), `${spec.type}: section`);
      assert.ok(reference.includes(spec.description.trim()), `${spec.type}: description`);
      assert.ok(reference.includes(spec.example.trimEnd()), `${spec.type}: example`);
      row(reference, `targets[].${spec.type}`);
      row(reference, `targets[].rules[].${spec.type}`);
    }
  });

  test('explains env interpolation, durations and sizes', () => {
    assert.match(reference, /`\$\{DB_PASSWORD:-changeme\}` \| `s3cret` \| `changeme` \| `changeme` \|/);
    assert.match(reference, /`1m30s` \| 90000 \|/);
    assert.match(reference, /`64MiB` \| 67108864 \|/);
  });
});

describe('error reference', () => {
  test('lists every catalog code with its kind, title and hint', () => {
    for (const [code, entry] of Object.entries(errorCatalog)) {
      const [, kind, title, hint] = cells(row(errors, code));
      assert.ok(kind!.includes(`\`${entry.kind}\``), `${code}: kind`);
      assert.ok(title!.length > 0 && hint!.length > 0, `${code}: title and hint`);
    }
    const sluice2005 = cells(row(errors, 'SLUICE_2005'));
    assert.equal(sluice2005[1], 'stop (`fatal`)');
    assert.equal(sluice2005[2], 'binlog_row_metadata is not FULL');
    assert.match(sluice2005[3]!, /binlog_row_metadata='FULL'/);
  });

  test('explains the ranges and what each kind makes Sluice do', () => {
    for (const range of ['1xxx', '2xxx', '3xxx', '4xxx', '5xxx', '6xxx']) assert.ok(errors.includes(`## ${range} `), range);
    for (const [kind, action] of [['retryable', 'retry'], ['backoff', 'back off'], ['unrecoverable', 'dead-letter'], ['fatal', 'stop']]) {
      assert.match(errors, new RegExp(`^\\| \`${kind}\` \\| ${action} \\|`, 'm'));
    }
  });

  test('escapes prose that would otherwise become markup', () => {
    assert.ok(cells(row(errors, 'SLUICE_2006'))[3]!.includes('ON \\*.\\* TO'));
    assert.ok(cells(row(errors, 'SLUICE_6001'))[3]!.includes('`sluice help <command>`'));
  });
});
