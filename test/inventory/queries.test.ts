import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { autoscaleQuery, serviceQuery, subscriptionQuery } from '../../src/inventory/queries.js';
import { QueryValueError, renderQuery, type ArgQuery } from '../../src/inventory/query-text.js';
import { DEFAULT_ENVIRONMENTS, resolveScope, ScopeError } from '../../src/inventory/scope.js';

const HOSTILE = [
  "prod' or type =~ 'x",
  'prod" | project secrets',
  'prod | project id',
  "apim\n| where 1 == 1",
  'prod\u0000',
  'prod\\',
  'prod; .drop table resources',
  'prød',
  'prod\u202e',
  '`prod`',
  "'",
  '',
];

describe('query text', () => {
  it('renders the service query for a scope exactly', () => {
    const scope = resolveScope({ environment: 'prod', services: ['apim-payments-weu'] }, DEFAULT_ENVIRONMENTS);
    expect(renderQuery(serviceQuery(scope.filters))).toBe(
      [
        'resources',
        "| where type =~ 'microsoft.apimanagement/service'",
        "| where tags['env'] in~ ('prod', 'production') or tags['environment'] in~ ('prod', 'production')",
        "| where name =~ 'apim-payments-weu'",
        '| project id, name, type, location, subscriptionId, resourceGroup, tenantId, tags, sku, zones, identity, properties, systemData',
        '| order by id asc',
      ].join('\n'),
    );
  });

  it.each(HOSTILE)('never lets the value %j into a query', (value) => {
    expect(() => renderQuery(serviceQuery([[{ field: { tag: 'env' }, values: [value] }]]))).toThrow(QueryValueError);
    expect(() => renderQuery(serviceQuery([[{ field: { tag: value }, values: ['prod'] }]]))).toThrow(QueryValueError);
    expect(() => resolveScope({ services: [value] })).toThrow(ScopeError);
    expect(() => resolveScope({ environment: value })).toThrow(ScopeError);
  });

  it('keeps an allowed value inside one literal: the query keeps its shape', () => {
    const text = renderQuery(serviceQuery([[{ field: { tag: 'owner' }, values: ['team payments (EU) = a+b@c:d/e,f-g'] }]]));
    expect(text.split('\n')).toHaveLength(5);
    // The type literal, the tag name and the one value: three quoted strings.
    expect(text.match(/'/g)).toHaveLength(6);
    expect(text).toContain("tags['owner'] =~ 'team payments (EU) = a+b@c:d/e,f-g'");
  });
});

/**
 * Every query the product can build, parsed with Microsoft's Kusto language service against an
 * ARG-like schema: no syntax or semantic diagnostics, and only operators ARG supports.
 */
describe('Kusto language service', () => {
  interface Diagnostic { Severity: string; Code: string; Message: string }
  interface DiagnosticList { Count: number; getItem(index: number): Diagnostic }
  interface KustoLanguage {
    KustoCode: { ParseAndAnalyze(text: string, globals: unknown): { GetDiagnostics(): DiagnosticList; Syntax: { WalkElements(visit: (element: unknown) => void): void } } };
    GlobalState: { Default: { WithDatabase(database: unknown): unknown } };
    Symbols: Record<string, unknown>;
    Syntax: { QueryOperator: unknown };
  }
  let analyze: (text: string) => { diagnostics: string[]; operators: string[] };

  beforeAll(() => {
    const require = createRequire(import.meta.url);
    require('@kusto/language-service-next/bridge.js');
    require('@kusto/language-service-next/Kusto.Language.Bridge.js');
    const g = globalThis as unknown as { Kusto: { Language: KustoLanguage }; Bridge: { toList(items: unknown[]): unknown; is(value: unknown, type: unknown): boolean; getTypeName(value: unknown): string } };
    const K = g.Kusto.Language;
    const S = K.Symbols as unknown as {
      ColumnSymbol: new (name: string, type: unknown) => unknown;
      TableSymbol: { $ctor4: new (name: string, columns: unknown[]) => unknown };
      DatabaseSymbol: { $ctor1: new (name: string, tables: unknown, isOpen: boolean) => unknown };
      ScalarTypes: { String: unknown; Dynamic: unknown };
    };
    const strings = ['id', 'name', 'type', 'tenantId', 'kind', 'location', 'resourceGroup', 'subscriptionId', 'managedBy'];
    const dynamics = ['sku', 'plan', 'properties', 'tags', 'identity', 'zones', 'extendedLocation', 'systemData'];
    const columns = () => [...strings.map((n) => new S.ColumnSymbol(n, S.ScalarTypes.String)), ...dynamics.map((n) => new S.ColumnSymbol(n, S.ScalarTypes.Dynamic))];
    // Table names are case-sensitive to the analyzer; ARG accepts both spellings.
    const tables = ['resources', 'Resources', 'resourcecontainers', 'ResourceContainers'].map((t) => new S.TableSymbol.$ctor4(t, columns()));
    const globals = K.GlobalState.Default.WithDatabase(new S.DatabaseSymbol.$ctor1('arg', g.Bridge.toList(tables), false));
    analyze = (text) => {
      const code = K.KustoCode.ParseAndAnalyze(text, globals);
      const list = code.GetDiagnostics();
      const diagnostics: string[] = [];
      for (let i = 0; i < list.Count; i += 1) {
        const d = list.getItem(i);
        diagnostics.push(`${d.Code} ${d.Message}`);
      }
      const operators: string[] = [];
      code.Syntax.WalkElements((element) => {
        if (g.Bridge.is(element, K.Syntax.QueryOperator)) operators.push(g.Bridge.getTypeName(element).split('.').pop() ?? '');
      });
      return { diagnostics, operators };
    };
  }, 30_000);

  const scopes = [
    resolveScope({ environment: 'prod' }),
    resolveScope({ environment: 'dev', services: ['apim-a', 'apim-b'] }),
    resolveScope({ subscriptions: ['6f1c2a10-4b7e-4c55-9a1e-0b5d3c2e7a01'] }),
  ];
  const queries: [string, ArgQuery][] = [
    ...scopes.map((scope): [string, ArgQuery] => [`services: ${scope.name}`, serviceQuery(scope.filters)]),
    ['subscriptions', subscriptionQuery()],
    ['autoscale settings', autoscaleQuery()],
  ];

  it.each(queries)('%s parses cleanly with ARG operators only', (_name, query) => {
    const { diagnostics, operators } = analyze(renderQuery(query));
    expect(diagnostics).toEqual([]);
    const allowed = new Set(['FilterOperator', 'ProjectOperator', 'SortOperator']);
    expect(operators.filter((op) => !allowed.has(op))).toEqual([]);
  });

  it('reports a broken query, so the checks above can fail', () => {
    expect(analyze("resources | whre type =~ 'x'").diagnostics.length).toBeGreaterThan(0);
  });
});
