import { describe, expect, it } from 'vitest';
import { DEFAULT_ENVIRONMENTS, resolveScope, ScopeError, type Environments } from '../../src/inventory/scope.js';

const environments: Environments = {
  ...DEFAULT_ENVIRONMENTS,
  payments: {
    aliases: [],
    subscriptions: ['6F1C2A10-4B7E-4C55-9A1E-0B5D3C2E7A01'],
    managementGroups: [],
    excludeSubscriptions: [],
    tags: { costCenter: ['payments'] },
  },
};

describe('resolveScope', () => {
  it('maps an environment to its env/environment tag by default, echoing the filter', () => {
    const scope = resolveScope({ environment: 'Production' }, environments);
    expect(scope.name).toBe('prod');
    expect(scope.subscriptions).toEqual([]);
    expect(scope.filters).toEqual([[{ field: { tag: 'env' }, values: ['prod', 'production'] }, { field: { tag: 'environment' }, values: ['prod', 'production'] }]]);
    expect(scope.filterText).toBe('tag env or environment = prod/production');
  });

  it('uses configured subscriptions and tags, lower-casing subscription ids', () => {
    const scope = resolveScope({ environment: 'payments', services: ['apim-payments-weu'] }, environments);
    expect(scope.subscriptions).toEqual(['6f1c2a10-4b7e-4c55-9a1e-0b5d3c2e7a01']);
    expect(scope.filters).toHaveLength(2);
    expect(scope.filterText).toBe('tag costCenter = payments, service apim-payments-weu');
  });

  it('catches a mistyped environment before anything runs, suggesting the closest', () => {
    expect(() => resolveScope({ environment: 'prd' }, environments)).toThrow(
      new ScopeError('I don\'t know the environment "prd". Did you mean prod? Known environments: prod, dev, test, sandbox, payments.', { environments: ['prod'] }),
    );
    expect(() => resolveScope({ environment: 'staging' }, environments)).toThrow('I don\'t know the environment "staging". Known environments:');
  });

  it('names subscription and service scopes', () => {
    expect(resolveScope({ subscriptions: ['6f1c2a10-4b7e-4c55-9a1e-0b5d3c2e7a02'] }).name).toBe('subscription 6f1c2a10-4b7e-4c55-9a1e-0b5d3c2e7a02');
    expect(resolveScope({ services: ['apim-a'] }).name).toBe('service apim-a');
  });

  it.each([
    [{ subscriptions: ['not-a-guid'] }, /is not a subscription id/],
    [{ services: ["apim'; drop"] }, /is not an API Management service name/],
    [{}, /say which estate to audit/],
  ])('rejects %j with a clear message', (request, message) => {
    expect(() => resolveScope(request, environments)).toThrow(message);
  });
});
