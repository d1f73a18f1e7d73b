/**
 * Flattens zod 4 schemas into documented fields (`pipeline.batch.maxRows`, `targets[].redis.sentinel.name`).
 *
 * The walk reads the schema definitions (`schema._zod.def`, the documented surface for library
 * authors) for structure, optionality and defaults, the global registry for `.meta()`
 * descriptions, and `z.toJSONSchema` of each leaf for its constraints (ranges, lengths,
 * patterns, formats). Durations and sizes are recognised by what they parse, not by name.
 */
import { z } from 'zod';
import { parseDuration, parseSize } from '../../src/core/units.ts';
import { code } from './markdown.ts';

type Schema = z.core.$ZodType;
type Def = z.core.$ZodTypes['_zod']['def'];
type JsonSchema = z.core.JSONSchema.BaseSchema;

export type Unit = 'duration' | 'size';

export interface Field {
  /** Key path, e.g. `targets[].redis.sentinel.name`. */
  readonly path: string;
  /** Type as inline markdown, e.g. ``one of `a`, `b` `` or `integer, 1–65535`. */
  readonly type: string;
  /** Must be set whenever its parent object is present. */
  readonly required: boolean;
  /** Default as inline markdown (a code span), or undefined when there is none worth showing. */
  readonly defaultValue: string | undefined;
  /** The `.meta({ description })` text, '' when the schema has none. */
  readonly description: string;
  /** Generated remarks appended to the description (patterns, write-only). */
  readonly notes: readonly string[];
  /** Whether nested keys follow as their own fields. */
  readonly nested: boolean;
}

export interface WalkOptions {
  /** Markdown link target for the words duration and size in the type column. */
  readonly unitLink: string;
  /** Paths documented elsewhere: the field is listed with this note and not descended into. */
  readonly seeAlso?: ReadonlyMap<string, string>;
}

function defOf(schema: Schema): Def {
  return (schema as z.core.$ZodTypes)._zod.def;
}

function metaOf(schema: Schema): z.core.GlobalMeta | undefined {
  return z.globalRegistry.get(schema);
}

/** Durations and sizes are pipes from `string | number` through a parser; tell them apart by output. */
export function unitOf(schema: Schema): Unit | undefined {
  const def = defOf(schema);
  if (def.type !== 'pipe' || defOf(def.out).type !== 'transform') return undefined;
  const parsed = (input: string) => {
    const result = z.safeParse(schema, input);
    return result.success ? result.data : undefined;
  };
  if (parsed('2s') === 2000 && parsed('1m30s') === 90_000) return 'duration';
  if (parsed('2KiB') === 2048 && parsed('1MB') === 1_000_000) return 'size';
  return undefined;
}

interface Unwrapped {
  /** The schema with optional/default/prefault wrappers and non-unit pipes removed. */
  readonly core: Schema;
  readonly required: boolean;
  readonly nullable: boolean;
  readonly description: string;
  readonly writeOnly: boolean;
  /** `default` holds an output value (e.g. milliseconds), `prefault` an input value (e.g. "10s"). */
  readonly fallback: { readonly kind: 'output' | 'input'; readonly value: unknown } | undefined;
}

/** Peels wrappers off a field schema, keeping the outermost description and default. */
export function unwrap(schema: Schema): Unwrapped {
  let current = schema;
  let required = true;
  let nullable = false;
  let description: string | undefined;
  let writeOnly = false;
  let fallback: Unwrapped['fallback'];
  for (;;) {
    const meta = metaOf(current);
    if (description === undefined && typeof meta?.description === 'string') description = meta.description;
    if (meta?.writeOnly === true) writeOnly = true;
    const def = defOf(current);
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'readonly' || def.type === 'catch' || def.type === 'nonoptional') {
      if (def.type === 'optional' || def.type === 'catch') required = false;
      if (def.type === 'nullable') nullable = true;
      current = def.innerType;
    } else if (def.type === 'default' || def.type === 'prefault') {
      required = false;
      fallback ??= { kind: def.type === 'default' ? 'output' : 'input', value: def.defaultValue };
      current = def.innerType;
    } else if (def.type === 'pipe' && unitOf(current) === undefined) {
      // A preprocess (transform → schema) documents its output side; a refinement or
      // conversion (schema → transform) documents the input the user writes.
      current = defOf(def.in).type === 'transform' ? def.out : def.in;
    } else {
      break;
    }
  }
  return { core: current, required, nullable, description: description ?? '', writeOnly, fallback };
}

/** The object shapes a schema stands for: an object, or both sides of an intersection of objects. */
export function shapeOf(schema: Schema): Record<string, Schema> | undefined {
  const { core } = unwrap(schema);
  const def = defOf(core);
  if (def.type === 'object') return def.shape;
  if (def.type === 'intersection') {
    const left = shapeOf(def.left);
    const right = shapeOf(def.right);
    if (left && right) return { ...left, ...right };
  }
  return undefined;
}

/** A plain `z.object` (neither strict nor loose) drops unknown keys without a word. */
function stripsUnknownKeys(core: Schema): boolean {
  const def = defOf(core);
  return def.type === 'object' && def.catchall === undefined;
}

/** Value schema of a map (`z.record`), or undefined. */
function valueOf(schema: Schema): Schema | undefined {
  const def = defOf(unwrap(schema).core);
  return def.type === 'record' ? def.valueType : undefined;
}

/** Item schema of a list, or undefined. */
export function elementOf(schema: Schema): Schema | undefined {
  const def = defOf(unwrap(schema).core);
  return def.type === 'array' ? def.element : undefined;
}

function jsonSchemaOf(schema: Schema): JsonSchema {
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  } catch {
    return {};
  }
}

function range(min: number | undefined, max: number | undefined, unit: (n: number) => string): string | undefined {
  if (min !== undefined && max !== undefined) return min === max ? `exactly ${unit(min)}` : `${min}–${unit(max)}`;
  if (min !== undefined) return `≥ ${unit(min)}`;
  if (max !== undefined) return `≤ ${unit(max)}`;
  return undefined;
}

const plural = (word: string) => (n: number) => `${n} ${word}${n === 1 ? '' : 's'}`;

const formatNames: Record<string, string> = { uri: 'URL', email: 'email address', uuid: 'UUID', 'date-time': 'ISO-8601 date-time' };

interface TypeInfo {
  /** e.g. `integer`, `list of URL`, ``one of `a`, `b` ``. */
  readonly base: string;
  /** e.g. `1–65535`, `non-empty`, `≥ 1 item`. */
  readonly constraint?: string | undefined;
  /** Remarks for the description column (patterns). */
  readonly notes: readonly string[];
}

/** `integer, 1–65535` for a field; `string (non-empty)` inside another type, where a comma would be ambiguous. */
function typeText(info: TypeInfo, inner = false): string {
  if (!info.constraint) return info.base;
  return inner ? `${info.base} (${info.constraint})` : `${info.base}, ${info.constraint}`;
}

/** zod's `.int()` bounds integers to the safe range; those bounds are not worth a mention. */
const bound = (n: unknown) => (typeof n === 'number' && Math.abs(n) < Number.MAX_SAFE_INTEGER ? n : undefined);

/** Type of an unwrapped schema as inline markdown, plus remarks for the description column. */
function typeInfo(core: Schema, options: WalkOptions): TypeInfo {
  const unit = unitOf(core);
  if (unit) return { base: `[${unit}](${options.unitLink})`, notes: [] };
  const def = defOf(core);
  switch (def.type) {
    case 'string': {
      const json = jsonSchemaOf(core);
      const base = typeof json.format === 'string' ? formatNames[json.format] ?? `string (${json.format})` : 'string';
      const constraint = json.minLength === 1 && json.maxLength === undefined ? 'non-empty' : range(json.minLength, json.maxLength, plural('character'));
      const notes = typeof json.pattern === 'string' && json.format === undefined ? [`Must match ${code(json.pattern)}.`] : [];
      return { base, constraint, notes };
    }
    case 'number': {
      const json = jsonSchemaOf(core);
      const exclusive = [
        bound(json.exclusiveMinimum) === undefined ? undefined : `> ${json.exclusiveMinimum}`,
        bound(json.exclusiveMaximum) === undefined ? undefined : `< ${json.exclusiveMaximum}`,
      ].filter(Boolean);
      const constraint = exclusive.length > 0 ? exclusive.join(', ') : range(bound(json.minimum), bound(json.maximum), String);
      return { base: json.type === 'integer' ? 'integer' : 'number', constraint, notes: [] };
    }
    case 'boolean':
      return { base: 'boolean', notes: [] };
    case 'null':
      return { base: '`null`', notes: [] };
    case 'any':
    case 'unknown':
      return { base: 'any', notes: [] };
    case 'enum':
      return { base: `one of ${Object.values(def.entries).map((v) => code(String(v))).join(', ')}`, notes: [] };
    case 'literal':
      return { base: def.values.map((v) => code(String(v))).join(' or '), notes: [] };
    case 'union': {
      const alternatives = def.options.map((o) => typeInfo(unwrap(o).core, options));
      const texts = [...new Set(alternatives.map((a) => typeText(a, true)))];
      return { base: texts.join(' or '), notes: [...new Set(alternatives.flatMap((a) => a.notes))] };
    }
    case 'array': {
      const item = typeInfo(unwrap(def.element).core, options);
      const itemText = item.base === 'object' ? 'objects' : typeText(item, true);
      const json = jsonSchemaOf(core);
      const itemPattern = (json.items as JsonSchema | undefined)?.pattern;
      const notes = typeof itemPattern === 'string' ? [`Each item must match ${code(itemPattern)}.`] : [];
      return { base: `list of ${itemText}`, constraint: range(json.minItems, json.maxItems, plural('item')), notes };
    }
    case 'record': {
      const key = typeText(typeInfo(unwrap(def.keyType).core, options), true);
      const value = typeText(typeInfo(unwrap(def.valueType).core, options), true);
      return { base: `map of ${key} to ${value}`, notes: [] };
    }
    case 'object':
    case 'intersection':
      if (shapeOf(core)) return { base: 'object', notes: [] };
      throw new Error('cannot document an intersection of non-objects');
    default:
      throw new Error(`cannot document a zod ${def.type} schema; teach scripts/gen-docs/schema-fields.ts about it`);
  }
}

export function formatDuration(ms: number): string {
  const units: [string, number][] = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];
  const [name, size] = units.find(([, n]) => ms !== 0 && ms % n === 0) ?? ['ms', 1];
  const text = `${ms / size}${name}`;
  if (parseDuration(text) !== ms) throw new Error(`formatDuration(${ms}) gave ${text}, which does not parse back`);
  return text;
}

export function formatSize(bytes: number): string {
  const units: [string, number][] = [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]];
  const [name, size] = units.find(([, n]) => bytes !== 0 && bytes % n === 0) ?? ['B', 1];
  const text = `${bytes / size}${name}`;
  if (parseSize(text) !== bytes) throw new Error(`formatSize(${bytes}) gave ${text}, which does not parse back`);
  return text;
}

function defaultText(u: Unwrapped, nested: boolean): string | undefined {
  if (!u.fallback) return undefined;
  const { kind, value } = u.fallback;
  // An object whose keys are listed below: the keys' own defaults say it all.
  if (nested) return undefined;
  const unit = unitOf(u.core);
  if (unit && kind === 'output' && typeof value === 'number') return code(unit === 'duration' ? formatDuration(value) : formatSize(value));
  if (typeof value === 'string') return value === '' ? code('""') : code(value);
  return code(JSON.stringify(value));
}

function field(path: string, schema: Schema, options: WalkOptions, nested: boolean, extraNotes: readonly string[] = []): Field {
  const u = unwrap(schema);
  const info = typeInfo(u.core, options);
  const notes = [...info.notes, ...extraNotes];
  if (u.writeOnly) notes.push('Secret: write-only, never shown back.');
  if (stripsUnknownKeys(u.core)) notes.push('Unknown keys are ignored.');
  return {
    path,
    type: u.nullable ? `${typeText(info, true)} or \`null\`` : typeText(info),
    required: u.required,
    defaultValue: defaultText(u, nested),
    description: u.description,
    notes,
    nested,
  };
}

/** Fields of the keys of an object schema (not the object itself), depth first. */
export function childFields(schema: Schema, prefix: string, options: WalkOptions): Field[] {
  const shape = shapeOf(schema);
  if (!shape) throw new Error(`${prefix || 'schema'} is not an object`);
  return Object.entries(shape).flatMap(([key, child]) => fields(child, prefix === '' ? key : `${prefix}.${key}`, options));
}

/** The field at `path` followed by its nested keys (objects, lists of objects), depth first. */
export function fields(schema: Schema, path: string, options: WalkOptions): Field[] {
  const see = options.seeAlso?.get(path);
  const element = elementOf(schema);
  const value = valueOf(schema);
  const nestedSchema = element !== undefined && shapeOf(element) ? element : value !== undefined && shapeOf(value) ? value : shapeOf(schema) ? schema : undefined;
  if (see !== undefined) return [field(path, schema, options, nestedSchema !== undefined, [see])];
  if (!nestedSchema) return [field(path, schema, options, false)];
  const prefix = nestedSchema === element ? `${path}[]` : nestedSchema === value ? `${path}.<name>` : path;
  return [field(path, schema, options, true), ...childFields(nestedSchema, prefix, options)];
}
