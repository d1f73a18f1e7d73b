/** The generated docs: what they contain, writing them, and checking that the committed ones are current. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { renderConfigReference, type Gap } from './config-reference.ts';
import { renderErrors } from './errors-doc.ts';

export interface GeneratedFile {
  /** Path relative to the repository root, with `/` separators. */
  readonly path: string;
  readonly content: string;
}

export interface Generated {
  readonly files: readonly GeneratedFile[];
  /** Schema fields without a description, for the schema owners. */
  readonly gaps: readonly Gap[];
}

/** Repository root (this file lives in scripts/gen-docs/). */
export const repoRoot = join(import.meta.dirname, '..', '..');

export function generateDocs(): Generated {
  const reference = renderConfigReference();
  return {
    files: [
      { path: 'docs/config-reference.md', content: reference.markdown },
      { path: 'docs/errors.md', content: renderErrors() },
    ],
    gaps: reference.gaps,
  };
}

async function readOrNull(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Writes the files that changed; returns their paths. */
export async function writeDocs(root: string, files: readonly GeneratedFile[]): Promise<string[]> {
  const written: string[] = [];
  for (const f of files) {
    const target = join(root, f.path);
    if ((await readOrNull(target)) === f.content) continue;
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, f.content);
    written.push(f.path);
  }
  return written;
}

/** Paths whose file under `root` is missing or differs from the generated content. */
export async function staleDocs(root: string, files: readonly GeneratedFile[]): Promise<string[]> {
  const stale: string[] = [];
  for (const f of files) {
    if ((await readOrNull(join(root, f.path))) !== f.content) stale.push(f.path);
  }
  return stale;
}
