/**
 * The only Azure Resource Graph queries the product sends, built from allow-listed identifiers and
 * validated values. Command text never reaches KQL: every value passes a strict pattern first and
 * is then quoted, so a hostile service name or tag cannot add operators, pipes or clauses.
 *
 * Grammar of every query built here (the sandbox parses exactly this):
 *
 *     <table>
 *     ( | where <clause> ( or <clause> )* )*
 *     | project <column> (, <column>)*
 *     | order by <column> asc
 *
 *     <table>  := resources | resourcecontainers
 *     <clause> := <field> =~ '<value>' | <field> in~ ('<value>', …)
 *     <field>  := type | name | id | subscriptionId | resourceGroup | location
 *               | tags['<key>'] | properties.targetResourceUri
 *
 * The change-history query (`resourcechanges`, with `extend` and a time filter) is built in
 * resource-changes.ts from the same `literal`.
 */

/** A value a person could not be allowed to put into a query. */
export class QueryValueError extends Error {
  override readonly name = 'QueryValueError';
}

export type ArgTable = 'resources' | 'resourcecontainers';

export type ArgField =
  | 'type'
  | 'name'
  | 'id'
  | 'subscriptionId'
  | 'resourceGroup'
  | 'location'
  | 'properties.targetResourceUri'
  | { readonly tag: string };

export interface ArgClause {
  readonly field: ArgField;
  /** One value renders `=~`, several render `in~ (…)`; both compare case-insensitively. */
  readonly values: readonly string[];
}

/** One `| where` line: its clauses are OR-ed; several lines are AND-ed. */
export type ArgCondition = readonly ArgClause[];

export interface ArgQuery {
  readonly table: ArgTable;
  readonly where: readonly ArgCondition[];
  readonly project: readonly string[];
  /** Deterministic paging needs a sort (ARG docs: skip without sort is random). */
  readonly orderBy: string;
}

const COLUMN = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
/** Azure tag names: no `<>*%&:\?/+` and at most 512 characters; we accept a safe subset. */
const TAG_KEY = /^[A-Za-z0-9_.\- ]{1,128}$/;
/**
 * Values that may appear inside quotes: resource names, tag values, resource types and ids. No
 * quotes, backslashes, pipes, newlines or control characters — so nothing can end the literal.
 */
const SAFE_VALUE = /^[A-Za-z0-9_.:/ ()+@=,-]{1,512}$/;

export function renderQuery(query: ArgQuery): string {
  const lines: string[] = [query.table];
  for (const condition of query.where) {
    if (condition.length === 0) throw new QueryValueError('a where line needs at least one clause');
    lines.push(`| where ${condition.map(renderClause).join(' or ')}`);
  }
  lines.push(`| project ${query.project.map(column).join(', ')}`);
  lines.push(`| order by ${column(query.orderBy)} asc`);
  return lines.join('\n');
}

function renderClause(clause: ArgClause): string {
  const field = renderField(clause.field);
  if (clause.values.length === 0) throw new QueryValueError(`no values to compare ${field} with`);
  if (clause.values.length === 1) return `${field} =~ ${literal(clause.values[0] ?? '')}`;
  return `${field} in~ (${clause.values.map(literal).join(', ')})`;
}

function renderField(field: ArgField): string {
  if (typeof field === 'string') return field;
  if (!TAG_KEY.test(field.tag)) {
    throw new QueryValueError(`tag name ${JSON.stringify(field.tag)} is not allowed (letters, digits, _ . - and spaces, up to 128)`);
  }
  return `tags['${field.tag}']`;
}

function column(name: string): string {
  if (!COLUMN.test(name)) throw new QueryValueError(`column ${JSON.stringify(name)} is not allowed`);
  return name;
}

/** Quotes a validated value. The pattern already excludes quotes and backslashes. */
export function literal(value: string): string {
  if (!SAFE_VALUE.test(value)) {
    throw new QueryValueError(
      `${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)} cannot be used in a query (letters, digits, spaces and _ . : / ( ) + @ = , - only)`,
    );
  }
  return `'${value}'`;
}
