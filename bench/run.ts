/**
 * `npm run bench -- <name> [args...]`: runs `bench/<name>.ts`, which exports `run(args)`.
 * Without a name, or with an unknown one, lists the available benchmarks.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** Top-level files of bench/ that are not benchmarks. */
const notBenches = new Set(['run']);

interface BenchModule {
  run(args: string[]): Promise<void>;
}

async function available(): Promise<string[]> {
  const files = await readdir(here);
  return files
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => basename(f, '.ts'))
    .filter((n) => !notBenches.has(n))
    .sort();
}

const [name, ...args] = process.argv.slice(2);
const names = await available();
if (name === undefined || !names.includes(name)) {
  if (name !== undefined) console.error(`unknown benchmark "${name}"`);
  console.error(`usage: npm run bench -- <name> [args...]\navailable: ${names.join(', ')}`);
  process.exit(name === undefined ? 0 : 2);
}
const mod = (await import(pathToFileURL(join(here, `${name}.ts`)).href)) as Partial<BenchModule>;
if (typeof mod.run !== 'function') {
  console.error(`bench/${name}.ts does not export run(args)`);
  process.exit(2);
}
await mod.run(args);
