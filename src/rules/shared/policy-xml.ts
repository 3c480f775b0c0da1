import { createRequire } from 'node:module';
import type { ChildResource, PolicyScope } from '../../estate/model.js';
import { pathBelowService } from './children.js';
import { equalsIgnoreCase } from './values.js';

/**
 * Reading APIM policy documents (`properties.value` of the five policy child types and workspace
 * policies). A document is validated and parsed once into a small element tree that keeps document
 * order, so rules can ask "is `<base />` the first element of `<inbound>`" as well as "is there a
 * `<cors>` anywhere". No rule matches XML text with strings or regular expressions.
 */

/** One XML element of a policy document; comments and processing instructions are dropped. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** Child elements in document order. */
  readonly children: readonly XmlElement[];
  /** The element's own text (CDATA included), trimmed; '' when it has none. */
  readonly text: string;
  /** Where the element sits, as an XPath: `/policies/inbound/cors/allowed-origins/origin[2]`. */
  readonly path: string;
}

/** The result of reading one policy child: a parsed `<policies>` root, a format we do not read, or a reason it cannot be read. */
export type PolicyRead =
  | { readonly kind: 'parsed'; readonly root: XmlElement }
  | { readonly kind: 'unsupported-format'; readonly format: string }
  | { readonly kind: 'unreadable'; readonly reason: string };

/** The four sections of a policy document, in the order APIM runs them. */
export const POLICY_SECTIONS = ['inbound', 'backend', 'outbound', 'on-error'] as const;
export type PolicySection = (typeof POLICY_SECTIONS)[number];

/**
 * fast-xml-parser, loaded on the first policy document: most audits (every audit that is not deep)
 * read none, and its ESM entry is some twenty modules that cost each CLI run ~70 ms to start.
 * Its CommonJS build is one file of the same package and version.
 */
type FastXmlParser = typeof import('fast-xml-parser');
let library: { readonly parser: InstanceType<FastXmlParser['XMLParser']>; readonly validator: FastXmlParser['XMLValidator'] } | undefined;

function xmlLibrary(): NonNullable<typeof library> {
  if (library !== undefined) return library;
  // The validator is deprecated upstream; see parsePolicyXml for why it is still the one used.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const { XMLParser, XMLValidator } = createRequire(import.meta.url)('fast-xml-parser') as FastXmlParser;
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    // Without it, character references such as `&#42;` (an escaped "*") stay undecoded and would hide
    // a wildcard; the non-deprecated route needs a custom entity decoder from a transitive package.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    htmlEntities: true,
  });
  library = { parser, validator: XMLValidator };
  return library;
}

const SCOPE_LABELS: Readonly<Record<PolicyScope, string>> = {
  global: 'Global policy',
  api: 'API policy',
  operation: 'Operation policy',
  product: 'Product policy',
  resolver: 'Resolver policy',
  workspace: 'Workspace policy',
};

/**
 * Reads a policy child. `properties.format` absent means `xml` (what ARM GET returns by default);
 * `xml` and `rawxml` (any casing) are parsed, other formats (`xml-link`, `rawxml-link`) are not read.
 * A missing or blank `properties.value`, XML that is not well formed, or a root other than
 * `<policies>` is `unreadable`, with a reason a person can act on.
 */
export function readPolicy(child: ChildResource): PolicyRead {
  const format = child.properties['format'];
  if (format !== undefined && format !== null && !equalsIgnoreCase(format, 'xml') && !equalsIgnoreCase(format, 'rawxml')) {
    return { kind: 'unsupported-format', format: typeof format === 'string' ? format : JSON.stringify(format) };
  }
  const value = child.properties['value'];
  if (typeof value !== 'string' || value.trim() === '') {
    return { kind: 'unreadable', reason: 'properties.value holds no policy XML' };
  }
  return parsePolicyXml(value, child.policyScope === 'resolver' ? RESOLVER_ROOT : undefined);
}

/**
 * A GraphQL resolver's policy is one data-source element (`<http-data-source>`, `<sql-data-source>`,
 * `<cosmosdb-data-source>`), not `<policies>` with sections.
 */
const RESOLVER_ROOT = /^[a-z]+-data-source$/;

/** Whether a parsed policy is a resolver's data-source document rather than `<policies>`. */
export function isDataSource(root: XmlElement): boolean {
  return RESOLVER_ROOT.test(root.name);
}

/** Validates and parses policy XML text into its `<policies>` root element (or one matching `otherRoot`). */
export function parsePolicyXml(xml: string, otherRoot?: RegExp): PolicyRead {
  // The parser alone accepts malformed XML silently; the validator is the only well-formedness check
  // fast-xml-parser ships (its successor package is not a dependency), hence the deprecated API.
  const valid = xmlLibrary().validator.validate(xml);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    return { kind: 'unreadable', reason: `the policy XML is not well formed: ${msg.replace(/\.$/, '')} (line ${line}, column ${col})` };
  }
  let parsed: unknown;
  try {
    parsed = xmlLibrary().parser.parse(xml);
  } catch (thrown) {
    // Well-formed but beyond the parser's limits (nesting depth, entity expansion).
    return { kind: 'unreadable', reason: `the policy XML cannot be parsed: ${thrown instanceof Error ? thrown.message : String(thrown)}` };
  }
  const roots = toElements(parsed, '');
  const root = roots[0];
  if (root === undefined) return { kind: 'unreadable', reason: 'the policy XML has no root element' };
  if (root.name !== 'policies' && otherRoot?.test(root.name) !== true) return { kind: 'unreadable', reason: `the root element is <${root.name}>, not <policies>` };
  return { kind: 'parsed', root };
}

/** Direct children of `parent` named `name` (XML names are case-sensitive). */
export function childElements(parent: XmlElement, name: string): XmlElement[] {
  return parent.children.filter((child) => child.name === name);
}

/** The elements reached from `parent` by a relative path of element names, e.g. `['allowed-origins', 'origin']`. */
export function elementsAt(parent: XmlElement, path: readonly string[]): XmlElement[] {
  let current: XmlElement[] = [parent];
  for (const name of path) current = current.flatMap((element) => childElements(element, name));
  return current;
}

/** Every element named `name` below `root`, at any depth, in document order (XPath `//name`). */
export function descendants(root: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const visit = (element: XmlElement): void => {
    for (const child of element.children) {
      if (child.name === name) found.push(child);
      visit(child);
    }
  };
  visit(root);
  return found;
}

/** The policy's path below the service, from its resource id: `apis/orders/policies/policy` (else its name). */
export function policyPath(child: ChildResource): string {
  return pathBelowService(child.id) ?? child.name;
}

/** "API policy 'apis/orders/policies/policy'": the scope and the path, for reasons. */
export function describePolicy(child: ChildResource): string {
  const label = child.policyScope === undefined ? 'Policy' : SCOPE_LABELS[child.policyScope];
  return `${label} '${policyPath(child)}'`;
}

/** Evidence path for a place inside a policy document: `apis/orders/policies/policy: properties.value /policies/inbound`. */
export function policyEvidencePath(child: ChildResource, xpath: string): string {
  return `${policyPath(child)}: properties.value ${xpath}`;
}

/**
 * Converts fast-xml-parser's ordered output (`[{ tag: [...children], ':@': {attrs} }, { '#text': 't' }]`)
 * into {@link XmlElement}s, numbering same-named siblings in the XPath only when there are several.
 */
function toElements(nodes: unknown, parentPath: string): XmlElement[] {
  if (!Array.isArray(nodes)) return [];
  const named: { name: string; body: unknown; attributes: Record<string, string> }[] = [];
  for (const node of nodes as unknown[]) {
    if (typeof node !== 'object' || node === null) continue;
    const record = node as Record<string, unknown>;
    const name = Object.keys(record).find((key) => key !== ':@' && key !== '#text');
    if (name === undefined || name.startsWith('?') || name.startsWith('!')) continue;
    named.push({ name, body: record[name], attributes: readAttributes(record[':@']) });
  }
  const totals = new Map<string, number>();
  for (const { name } of named) totals.set(name, (totals.get(name) ?? 0) + 1);
  const seen = new Map<string, number>();
  return named.map(({ name, body, attributes }) => {
    const index = (seen.get(name) ?? 0) + 1;
    seen.set(name, index);
    const path = `${parentPath}/${name}${(totals.get(name) ?? 0) > 1 ? `[${index}]` : ''}`;
    return { name, attributes, children: toElements(body, path), text: readText(body), path };
  });
}

function readAttributes(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  const attributes: Record<string, string> = {};
  for (const [key, attribute] of Object.entries(value as Record<string, unknown>)) {
    if (typeof attribute === 'string') attributes[key] = attribute;
  }
  return attributes;
}

function readText(body: unknown): string {
  if (!Array.isArray(body)) return '';
  const texts: string[] = [];
  for (const node of body as unknown[]) {
    if (typeof node !== 'object' || node === null) continue;
    const text = (node as Record<string, unknown>)['#text'];
    if (typeof text === 'string' || typeof text === 'number') texts.push(String(text));
  }
  return texts.join('').trim();
}
