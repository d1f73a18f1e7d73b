import { sluiceError } from '../core/errors.ts';
import { formatPath } from './format-path.ts';

const pattern = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string of a parsed YAML tree (`$$` is a
 * literal `$`). Working on the parsed tree means an environment value can never change the
 * document's structure.
 */
export function interpolateEnv(node: unknown, env: NodeJS.ProcessEnv, path: (string | number)[] = []): unknown {
  if (typeof node === 'string') {
    return node.replace(pattern, (match, name: string | undefined, fallback: string | undefined) => {
      if (match === '$$') return '$';
      const value = env[name!];
      if (value !== undefined && value !== '') return value;
      if (fallback !== undefined) return fallback;
      throw sluiceError('SLUICE_1004', `\${${name}} at ${formatPath(path)} is not set`, { details: { path: formatPath(path), variable: name } });
    });
  }
  if (Array.isArray(node)) return node.map((item, i) => interpolateEnv(item, env, [...path, i]));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateEnv(v, env, [...path, k])]));
  }
  return node;
}
