import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { sluiceError } from '../core/errors.ts';
import { formatPath } from './format-path.ts';
import { interpolateEnv } from './interpolate.ts';

/** Validates `data` against `schema`; every problem is reported with its path and what is allowed. */
export function validate<S extends z.ZodType>(schema: S, data: unknown, source: string): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${formatPath(issue.path)}: ${issue.message}`);
  throw sluiceError('SLUICE_1003', `${source}\n${problems.join('\n')}`, {
    details: { file: source, issues: result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })) },
  });
}

/** Parses YAML text, interpolates the environment and validates it. */
export function parseConfig<S extends z.ZodType>(schema: S, text: string, source: string, env = process.env): z.output<S> {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw sluiceError('SLUICE_1002', `${source}: ${doc.errors.map((e) => e.message).join('; ')}`, { details: { file: source } });
  }
  const tree = interpolateEnv(doc.toJS({ maxAliasCount: 100 }) ?? {}, env);
  return validate(schema, tree, source);
}

export async function loadConfigFile<S extends z.ZodType>(schema: S, file: string, env = process.env): Promise<z.output<S>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw sluiceError('SLUICE_1001', `${file}: ${(err as Error).message}`, { cause: err, details: { file } });
  }
  return parseConfig(schema, text, file, env);
}
