/**
 * JSON text in pieces, identical to `JSON.stringify(value, replacer, indent)`: reports of a hundred
 * thousand services exceed the longest string V8 can hold ("Invalid string length"), so outputs
 * yield their text chunk by chunk and the CLI writes the chunks as they come.
 *
 * Objects and arrays are opened here, level by level; a value at `openDepth` or deeper (one result,
 * one service) is stringified whole, several items of an array per call, which keeps each chunk
 * small and the work linear. An array may also be a {@link LazyArray}: its items are produced while
 * they are written, so a derived list (SARIF results, results with their fix plans) is never held in
 * memory as a whole. A LazyArray must sit above `openDepth` or directly in an object or array there.
 */
export type JsonReplacer = (key: string, value: unknown) => unknown;

export interface JsonChunkOptions {
  readonly replacer?: JsonReplacer;
  /** Spaces per level, like JSON.stringify's third argument; 0 writes compact JSON. */
  readonly indent?: number;
  /** Levels opened here; deeper values are stringified whole. Default 2 (report → results → one result). */
  readonly openDepth?: number;
}

/** An array whose items are made while the JSON is written; written exactly like an array of them. */
export class LazyArray<T> {
  constructor(readonly items: () => Iterable<T>) {}
}

export function* jsonChunks(value: unknown, options: JsonChunkOptions = {}): Generator<string> {
  const indent = ' '.repeat(options.indent ?? 0);
  const replacer = options.replacer;
  const openDepth = options.openDepth ?? 2;
  const root = prepare({ '': value }, '', value, replacer);
  if (root === undefined) return;
  yield* writeValue(root, 0, indent, replacer, openDepth);
}

/** What JSON.stringify does to a property before writing it: toJSON, then the replacer. */
function prepare(holder: object, key: string, value: unknown, replacer: JsonReplacer | undefined): unknown {
  let next = value;
  if (typeof next === 'object' && next !== null && typeof (next as { toJSON?: unknown }).toJSON === 'function') {
    next = (next as { toJSON: (key: string) => unknown }).toJSON(key);
  }
  if (replacer !== undefined) next = replacer.call(holder, key, next);
  return next;
}

function* writeValue(value: unknown, depth: number, indent: string, replacer: JsonReplacer | undefined, openDepth: number): Generator<string> {
  const lazy = value instanceof LazyArray;
  if (!lazy && (typeof value !== 'object' || value === null || (depth >= openDepth && !holdsLazyArray(value)))) {
    yield stringifyWhole(value, depth, indent, replacer);
    return;
  }
  const inner = indent === '' ? '' : `\n${indent.repeat(depth + 1)}`;
  const outer = indent === '' ? '' : `\n${indent.repeat(depth)}`;
  if (lazy || Array.isArray(value)) {
    const items: Iterable<unknown> = lazy ? (value as LazyArray<unknown>).items() : (value as unknown[]);
    if (replacer === undefined && depth + 1 >= openDepth) {
      yield* writeWholeItems(items, depth, indent, openDepth);
      return;
    }
    const holder: unknown[] = [];
    let index = 0;
    for (const raw of items) {
      holder[0] = raw;
      const item = prepare(holder, String(index), raw, replacer);
      yield `${index === 0 ? '[' : ','}${inner}`;
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') yield 'null';
      else yield* writeValue(item, depth + 1, indent, replacer, openDepth);
      index += 1;
    }
    yield index === 0 ? '[]' : `${outer}]`;
    return;
  }
  const record = value as Record<string, unknown>;
  let written = 0;
  for (const key of Object.keys(record)) {
    const item = prepare(record, key, record[key], replacer);
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    yield `${written === 0 ? '{' : ','}${inner}${JSON.stringify(key)}:${indent === '' ? '' : ' '}`;
    yield* writeValue(item, depth + 1, indent, replacer, openDepth);
    written += 1;
  }
  yield written === 0 ? '{}' : `${outer}}`;
}

/** A LazyArray cannot be stringified whole: the object or array holding it is opened whatever its depth. */
function holdsLazyArray(value: object): boolean {
  if (Array.isArray(value)) return value.some((item) => item instanceof LazyArray);
  const record = value as Record<string, unknown>;
  // for…in, not Object.values: this runs on every item written whole, and allocates nothing.
  for (const key in record) if (Object.hasOwn(record, key) && record[key] instanceof LazyArray) return true;
  return false;
}

/** Characters a batch of whole items aims at: large enough to amortise a JSON.stringify call, small enough to stream. */
const ITEM_BATCH_CHARS = 8 * 1024;

/**
 * The items of an array at `depth` whose items are written whole, without a replacer: several items
 * per JSON.stringify call, each batch nested in `depth` arrays so JSON.stringify indents its items
 * for their depth itself. One call per item, with the indentation of each result fixed up after,
 * spent more time in calls and copies than in writing JSON. The batch grows or shrinks so its text
 * stays near {@link ITEM_BATCH_CHARS}.
 */
function* writeWholeItems(items: Iterable<unknown>, depth: number, indent: string, openDepth: number): Generator<string> {
  const inner = indent === '' ? '' : `\n${indent.repeat(depth + 1)}`;
  const outer = indent === '' ? '' : `\n${indent.repeat(depth)}`;
  // What JSON.stringify writes around the batch array for the `depth` arrays it is nested in.
  let prefix = '';
  let suffix = '';
  for (let level = 0; level < depth; level += 1) {
    prefix += indent === '' ? '[' : `[\n${indent.repeat(level + 1)}`;
    suffix = (indent === '' ? ']' : `\n${indent.repeat(level)}]`) + suffix;
  }
  const holder: unknown[] = [];
  let batch: unknown[] = [];
  let wanted = 1;
  let index = 0;
  const flush = function* (): Generator<string> {
    let wrapped: unknown = batch;
    for (let level = 0; level < depth; level += 1) wrapped = [wrapped];
    const text = JSON.stringify(wrapped, null, indent);
    // The batch array's own text, "[" inner item0 "," inner item1 … outer "]": its brackets give way to the report's.
    const body = text.slice(prefix.length + 1, text.length - suffix.length - outer.length - 1);
    yield `${index === batch.length ? '[' : ','}${body}`;
    // At most twice as many items as the last batch: items of one array differ in size (a pass is short).
    wanted = Math.max(1, Math.min(batch.length * 2, Math.round((batch.length * ITEM_BATCH_CHARS) / Math.max(1, body.length))));
    batch = [];
  };
  for (const raw of items) {
    holder[0] = raw;
    const item = prepare(holder, String(index), raw, undefined);
    if (typeof item === 'object' && item !== null && holdsLazyArray(item)) {
      // Opened on its own, after the items before it.
      if (batch.length > 0) yield* flush();
      yield `${index === 0 ? '[' : ','}${inner}`;
      yield* writeValue(item, depth + 1, indent, undefined, openDepth);
      index += 1;
      continue;
    }
    batch.push(item);
    index += 1;
    if (batch.length >= wanted) yield* flush();
  }
  if (batch.length > 0) yield* flush();
  yield index === 0 ? '[]' : `${outer}]`;
}

/** One value already prepared (toJSON and replacer applied at its key), indented for its depth. */
function stringifyWhole(value: unknown, depth: number, indent: string, replacer: JsonReplacer | undefined): string {
  let root = true;
  // JSON.stringify calls the replacer once more for the root (key ""); that call was already made.
  const nested =
    replacer === undefined
      ? undefined
      : function (this: unknown, key: string, item: unknown): unknown {
          if (root) {
            root = false;
            return item;
          }
          return replacer.call(this, key, item);
        };
  const text = JSON.stringify(value, nested, indent) as string | undefined;
  if (text === undefined) return 'null';
  // JSON text holds no raw line breaks inside strings, so every "\n" is a break between lines.
  return indent === '' || depth === 0 ? text : text.replaceAll('\n', `\n${indent.repeat(depth)}`);
}

/** Joins chunks into batches of about `size` characters, so a writer is not called per comma. */
export function* batched(chunks: Iterable<string>, size = 64 * 1024): Generator<string> {
  let buffer = '';
  for (const chunk of chunks) {
    buffer += chunk;
    if (buffer.length >= size) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer !== '') yield buffer;
}
