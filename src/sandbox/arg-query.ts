import { isRecord } from './http.js';
import type { JsonObject } from './types.js';

/**
 * A parser and evaluator for exactly the ARG query grammar the product sends (documented at the
 * top of src/inventory/query-text.ts, and in src/inventory/resource-changes.ts for the change
 * history):
 *
 *     <table> ( | extend <name> = <fn>(properties.<key>(.<key>)*) (, …)* )?
 *             ( | where <clause> ( or <clause> )* )*
 *             | project <col>, … | order by <col> asc|desc (, <col> asc|desc)*
 *     <table>  := resources | resourcecontainers | resourcechanges
 *     <fn>     := tostring | todatetime
 *     <clause> := <field> =~ '<value>' | <field> in~ ('<value>', …) | <field> > datetime(<ISO 8601 UTC>)
 *     <field>  := type | name | id | subscriptionId | resourceGroup | location
 *               | tags['<key>'] | properties.targetResourceUri | <an extended name>
 *
 * Anything else is refused with a position, so a query the product should never send fails loudly
 * in tests instead of being half-understood. Keywords and column names are case-sensitive, as in
 * KQL; table names are not (ARG accepts `Resources` and `resources`).
 */

export type ArgTableName = 'resources' | 'resourcecontainers' | 'resourcechanges';

export type FieldRef =
  | { readonly kind: 'column'; readonly name: string }
  | { readonly kind: 'tag'; readonly key: string }
  | { readonly kind: 'property'; readonly name: 'targetResourceUri' };

export type Clause =
  /** Compared case-insensitively; one value came from `=~`, several from `in~`. */
  | { readonly field: FieldRef; readonly values: readonly string[] }
  /** `> datetime(…)`: the field, read as a date, is strictly later (epoch milliseconds). */
  | { readonly field: FieldRef; readonly after: number };

/** `| extend <name> = <fn>(<path>)`: a column computed from a path into the row. */
export interface Extension {
  readonly name: string;
  readonly fn: 'tostring' | 'todatetime';
  /** Keys from the row down, e.g. ['properties', 'changeAttributes', 'timestamp']. */
  readonly path: readonly string[];
}

export interface SortKey {
  readonly column: string;
  readonly descending: boolean;
}

export interface ParsedQuery {
  readonly table: ArgTableName;
  readonly extend: readonly Extension[];
  /** AND of lines, each an OR of clauses. */
  readonly where: readonly (readonly Clause[])[];
  readonly project: readonly string[];
  readonly orderBy: readonly SortKey[];
}

/** Columns ARG has in each table; `project` may name only these. */
export const TABLE_COLUMNS: Readonly<Record<ArgTableName, readonly string[]>> = {
  resources: [
    'id', 'name', 'type', 'tenantId', 'kind', 'location', 'resourceGroup', 'subscriptionId', 'managedBy',
    'sku', 'plan', 'properties', 'tags', 'identity', 'zones', 'extendedLocation', 'systemData',
  ],
  resourcecontainers: [
    'id', 'name', 'type', 'tenantId', 'kind', 'location', 'resourceGroup', 'subscriptionId', 'managedBy',
    'sku', 'plan', 'properties', 'tags', 'identity', 'zones', 'extendedLocation',
  ],
  // Learn names id, properties, resourceGroup and subscriptionId; the rest mirror resourcecontainers (unverified).
  resourcechanges: [
    'id', 'name', 'type', 'tenantId', 'kind', 'location', 'resourceGroup', 'subscriptionId', 'managedBy',
    'sku', 'plan', 'properties', 'tags', 'identity', 'zones', 'extendedLocation',
  ],
};

const TABLES: readonly ArgTableName[] = ['resources', 'resourcecontainers', 'resourcechanges'];
const EXTEND_FUNCTIONS = ['tostring', 'todatetime'] as const;
/** KQL `datetime(…)` in the one form the product writes: ISO 8601 in UTC. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?Z$/;

const WHERE_COLUMNS = ['type', 'name', 'id', 'subscriptionId', 'resourceGroup', 'location'];

/** A query outside the grammar; `line`/`column` are 1-based, as ARG reports them. */
export class QueryParseError extends Error {
  override readonly name = 'QueryParseError';

  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
    readonly token: string,
  ) {
    super(`Query could not be parsed at '${token}' on line [${line},${column}]: ${reason}`);
  }
}

/** Tokens outside the grammar (numbers, double quotes, other operators) still tokenize, so the parser reports them in context. */
type TokenKind = 'ident' | 'string' | 'punct' | 'op' | 'datetime' | 'other' | 'eof';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly offset: number;
}

export function parseQuery(text: string): ParsedQuery {
  return new Parser(text).parse();
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;

  constructor(private readonly text: string) {
    this.tokens = tokenize(text, (reason, offset, token) => this.error(reason, offset, token));
  }

  parse(): ParsedQuery {
    const tableToken = this.next();
    const table = TABLES.find((name) => tableToken.kind === 'ident' && tableToken.text.toLowerCase() === name);
    if (table === undefined) {
      throw this.error(`the query must start with the table ${TABLES.join(', ')}`, tableToken.offset, tableToken.text);
    }
    const extend: Extension[] = [];
    const where: Clause[][] = [];
    let project: string[] | undefined;
    let orderBy: SortKey[] | undefined;

    while (this.peek().kind !== 'eof') {
      this.expectPunct('|');
      const operator = this.next();
      if (operator.kind !== 'ident') throw this.error('expected a query operator after |', operator.offset, operator.text);
      if (orderBy !== undefined) throw this.error('order by must be the last operator', operator.offset, operator.text);
      if (operator.text === 'extend') {
        if (where.length > 0 || project !== undefined || extend.length > 0) throw this.error('one extend is supported, before where and project', operator.offset, operator.text);
        extend.push(...this.extensions(table));
      } else if (operator.text === 'where') {
        if (project !== undefined) throw this.error('where must come before project', operator.offset, operator.text);
        where.push(this.clauses(extend));
      } else if (operator.text === 'project') {
        if (project !== undefined) throw this.error('only one project is supported', operator.offset, operator.text);
        project = this.columns(table, extend);
      } else if (operator.text === 'order') {
        if (project === undefined) throw this.error('order by must follow project', operator.offset, operator.text);
        const by = this.next();
        if (by.kind !== 'ident' || by.text !== 'by') throw this.error("expected 'by' after order", by.offset, by.text);
        orderBy = this.sortKeys(project);
      } else {
        throw this.error('only extend, where, project and order by are supported', operator.offset, operator.text);
      }
    }
    const end = this.peek();
    if (project === undefined) throw this.error('the query must end with | project <columns> | order by <column> asc', end.offset, '<end>');
    if (orderBy === undefined) throw this.error('the query must end with | order by <column> asc (paging needs a sort)', end.offset, '<end>');
    return { table, extend, where, project, orderBy };
  }

  private extensions(table: ArgTableName): Extension[] {
    const extensions: Extension[] = [];
    do {
      if (extensions.length > 0) this.next();
      const name = this.next();
      if (name.kind !== 'ident' || TABLE_COLUMNS[table].includes(name.text) || extensions.some((e) => e.name === name.text)) {
        throw this.error('extend must name a new column', name.offset, name.text);
      }
      this.expectPunct('=');
      const fn = this.next();
      const known = EXTEND_FUNCTIONS.find((candidate) => fn.kind === 'ident' && fn.text === candidate);
      if (known === undefined) throw this.error(`only ${EXTEND_FUNCTIONS.join(' and ')} are supported in extend`, fn.offset, fn.text);
      this.expectPunct('(');
      const root = this.next();
      if (root.kind !== 'ident' || root.text !== 'properties') throw this.error('extend reads a path under properties', root.offset, root.text);
      const path = ['properties'];
      do {
        this.expectPunct('.');
        const key = this.next();
        if (key.kind !== 'ident') throw this.error('expected a property name', key.offset, key.text);
        path.push(key.text);
      } while (this.peek().kind === 'punct' && this.peek().text === '.');
      this.expectPunct(')');
      extensions.push({ name: name.text, fn: known, path });
    } while (this.peek().kind === 'punct' && this.peek().text === ',');
    return extensions;
  }

  private sortKeys(project: readonly string[]): SortKey[] {
    const keys: SortKey[] = [];
    do {
      if (keys.length > 0) this.next();
      const column = this.next();
      if (column.kind !== 'ident' || !project.includes(column.text)) {
        throw this.error(`order by must name a projected column (${project.join(', ')})`, column.offset, column.text);
      }
      const direction = this.next();
      if (direction.kind !== 'ident' || (direction.text !== 'asc' && direction.text !== 'desc')) throw this.error("expected 'asc' or 'desc'", direction.offset, direction.text);
      keys.push({ column: column.text, descending: direction.text === 'desc' });
    } while (this.peek().kind === 'punct' && this.peek().text === ',');
    return keys;
  }

  private clauses(extend: readonly Extension[]): Clause[] {
    const clauses = [this.clause(extend)];
    while (this.peek().kind === 'ident' && this.peek().text === 'or') {
      this.next();
      clauses.push(this.clause(extend));
    }
    return clauses;
  }

  private clause(extend: readonly Extension[]): Clause {
    const field = this.field(extend);
    const operator = this.next();
    if (operator.kind === 'op' && operator.text === '>') {
      const value = this.next();
      if (value.kind !== 'datetime') throw this.error('> compares with datetime(<ISO 8601 UTC>) only', value.offset, value.text);
      return { field, after: Date.parse(value.text) };
    }
    if (operator.kind === 'op' && operator.text === '=~') return { field, values: [this.string()] };
    if (operator.kind === 'op' && operator.text === 'in~') {
      this.expectPunct('(');
      const values = [this.string()];
      while (this.peek().kind === 'punct' && this.peek().text === ',') {
        this.next();
        values.push(this.string());
      }
      this.expectPunct(')');
      return { field, values };
    }
    throw this.error('expected =~, in~ (only case-insensitive comparisons are supported) or > datetime(…)', operator.offset, operator.text);
  }

  private field(extend: readonly Extension[]): FieldRef {
    const token = this.next();
    if (token.kind === 'ident' && (WHERE_COLUMNS.includes(token.text) || extend.some((e) => e.name === token.text))) return { kind: 'column', name: token.text };
    if (token.kind === 'ident' && token.text === 'tags') {
      this.expectPunct('[');
      const key = this.string();
      this.expectPunct(']');
      return { kind: 'tag', key };
    }
    if (token.kind === 'ident' && token.text === 'properties') {
      this.expectPunct('.');
      const name = this.next();
      if (name.kind === 'ident' && name.text === 'targetResourceUri') return { kind: 'property', name: 'targetResourceUri' };
      throw this.error('only properties.targetResourceUri can be compared', name.offset, name.text);
    }
    throw this.error(`expected a field: ${WHERE_COLUMNS.join(', ')}, tags['<key>'] or properties.targetResourceUri`, token.offset, token.text);
  }

  private columns(table: ArgTableName, extend: readonly Extension[]): string[] {
    const columns: string[] = [];
    do {
      if (columns.length > 0) this.next();
      const token = this.next();
      if (token.kind !== 'ident' || !(TABLE_COLUMNS[table].includes(token.text) || extend.some((e) => e.name === token.text))) {
        throw this.error(`'${token.text}' is not a column of ${table}`, token.offset, token.text);
      }
      if (columns.includes(token.text)) throw this.error(`column '${token.text}' is projected twice`, token.offset, token.text);
      columns.push(token.text);
    } while (this.peek().kind === 'punct' && this.peek().text === ',');
    return columns;
  }

  private string(): string {
    const token = this.next();
    if (token.kind !== 'string') throw this.error("expected a single-quoted value", token.offset, token.text);
    return token.text;
  }

  private expectPunct(text: string): void {
    const token = this.next();
    if (token.kind !== 'punct' || token.text !== text) throw this.error(`expected '${text}'`, token.offset, token.text);
  }

  private next(): Token {
    const token = this.tokens[this.index] ?? this.tokens[this.tokens.length - 1];
    if (token === undefined) throw new Error('tokenizer returned no tokens');
    if (token.kind !== 'eof') this.index += 1;
    return token;
  }

  private peek(): Token {
    const token = this.tokens[this.index] ?? this.tokens[this.tokens.length - 1];
    if (token === undefined) throw new Error('tokenizer returned no tokens');
    return token;
  }

  private error(reason: string, offset: number, token: string): QueryParseError {
    const before = this.text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    return new QueryParseError(reason, line, column, token === '' ? '<end>' : token);
  }
}

function tokenize(text: string, fail: (reason: string, offset: number, token: string) => QueryParseError): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text.charAt(at);
    if (/\s/.test(char)) {
      at += 1;
    } else if ('|(),[].'.includes(char)) {
      tokens.push({ kind: 'punct', text: char, offset: at });
      at += 1;
    } else if (text.startsWith('=~', at)) {
      tokens.push({ kind: 'op', text: '=~', offset: at });
      at += 2;
    } else if (/^[=>][^=~<>!]/.test(text.slice(at, at + 2))) {
      // A lone `=` assigns in extend; a lone `>` compares dates. `==`, `>=` and the like are not in the grammar.
      tokens.push({ kind: char === '=' ? 'punct' : 'op', text: char, offset: at });
      at += 1;
    } else if (char === "'") {
      const end = text.indexOf("'", at + 1);
      const value = end < 0 ? '' : text.slice(at + 1, end);
      if (end < 0 || value.includes('\n')) throw fail('unterminated string', at, text.slice(at, at + 20));
      // The grammar has no escapes: the product's values never contain quotes or backslashes.
      if (value.includes('\\')) throw fail('escape sequences are not supported', at, value);
      tokens.push({ kind: 'string', text: value, offset: at });
      at = end + 1;
    } else if (/[A-Za-z_]/.test(char)) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(at))?.[0] ?? char;
      if (word === 'datetime' && text.charAt(at + word.length) === '(') {
        const end = text.indexOf(')', at);
        const value = end < 0 ? '' : text.slice(at + word.length + 1, end).trim();
        if (!ISO_UTC.test(value) || Number.isNaN(Date.parse(value))) throw fail('datetime(…) must hold an ISO 8601 time in UTC, e.g. 2026-01-31T00:00:00.000Z', at, text.slice(at, at + 40));
        tokens.push({ kind: 'datetime', text: value, offset: at });
        at = end + 1;
      } else if (word === 'in' && text.charAt(at + 2) === '~') {
        tokens.push({ kind: 'op', text: 'in~', offset: at });
        at += 3;
      } else {
        tokens.push({ kind: 'ident', text: word, offset: at });
        at += word.length;
      }
    } else {
      // Numbers, "double-quoted" strings and operators such as == or != are not in the grammar.
      const other = /^(?:\d+(?:\.\d+)?|"[^"\n]*"?|[=!<>~]+)/.exec(text.slice(at))?.[0] ?? char;
      tokens.push({ kind: 'other', text: other, offset: at });
      at += other.length;
    }
  }
  tokens.push({ kind: 'eof', text: '', offset: text.length });
  return tokens;
}

// ── evaluation ────────────────────────────────────────────────────────────────────────────────

/** Filters, sorts and projects rows; ties keep the table's order (a stable sort). */
export function runQuery(query: ParsedQuery, rows: readonly JsonObject[]): JsonObject[] {
  const extended = query.extend.length === 0 ? rows : rows.map((row) => withExtensions(row, query.extend));
  const matching = extended.filter((row) => query.where.every((line) => line.some((clause) => matches(row, clause))));
  const sorted = matching
    .map((row, index) => ({ row, index }))
    .sort((a, b) => compareRows(a.row, b.row, query.orderBy) || a.index - b.index)
    .map(({ row }) => row);
  return sorted.map((row) => Object.fromEntries(query.project.map((column) => [column, row[column] ?? null])));
}

function withExtensions(row: JsonObject, extensions: readonly Extension[]): JsonObject {
  const out: JsonObject = { ...row };
  for (const { name, fn, path } of extensions) {
    let value: unknown = row;
    for (const key of path) value = isRecord(value) ? value[key] : undefined;
    out[name] = fn === 'tostring' ? asKqlString(value) : asKqlDatetime(value);
  }
  return out;
}

/** KQL tostring: strings as they are, null and absent as "", anything else as JSON. */
function asKqlString(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : jsonText(value);
}

/** KQL todatetime: a parseable time as ISO 8601 (how ARG returns datetimes), else null. */
function asKqlDatetime(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function compareRows(a: JsonObject, b: JsonObject, keys: readonly SortKey[]): number {
  for (const { column, descending } of keys) {
    const order = compareValues(a[column], b[column]);
    if (order !== 0) return descending ? -order : order;
  }
  return 0;
}

function matches(row: JsonObject, clause: Clause): boolean {
  const value = fieldValue(row, clause.field);
  if ('after' in clause) {
    const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    return !Number.isNaN(ms) && ms > clause.after;
  }
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return false;
  const text = String(value).toLowerCase();
  return clause.values.some((wanted) => wanted.toLowerCase() === text);
}

function fieldValue(row: JsonObject, field: FieldRef): unknown {
  switch (field.kind) {
    case 'column':
      return row[field.name];
    case 'tag': {
      // Tag keys are case-sensitive in ARG; only values compare case-insensitively.
      const tags = row['tags'];
      return isRecord(tags) ? tags[field.key] : undefined;
    }
    case 'property': {
      const properties = row['properties'];
      return isRecord(properties) ? properties[field.name] : undefined;
    }
  }
}

/** KQL ascending order: nulls first, then numbers, then strings by ordinal comparison. */
function compareValues(a: unknown, b: unknown): number {
  const rank = (value: unknown): number => (value === null || value === undefined ? 0 : typeof value === 'number' ? 1 : 2);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const left = typeof a === 'string' ? a : jsonText(a);
  const right = typeof b === 'string' ? b : jsonText(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** `JSON.stringify` returns undefined for undefined and functions, whatever its declared type says. */
function jsonText(value: unknown): string {
  const text: unknown = JSON.stringify(value);
  return typeof text === 'string' ? text : '';
}
