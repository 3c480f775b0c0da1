import { describe, expect, it } from 'vitest';
import { assertScopeFound } from '../../src/inventory/empty-scope.js';
import { resolveScope, ScopeError } from '../../src/inventory/scope.js';
import type { ArgPage, InventorySources } from '../../src/inventory/sources.js';

const SUBSCRIPTION = '6f1c2a10-4b7e-4c55-9a1e-0b5d3c2e7a01';

/** Resource Graph answering the name query with these names (or failing), and nothing else. */
function sources(names: readonly string[] | Error): InventorySources & { queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    queryArgPage: (request): Promise<ArgPage> => {
      queries.push(request.query);
      if (names instanceof Error) return Promise.reject(names);
      return Promise.resolve({ rows: names.map((name) => ({ name })), totalRecords: names.length });
    },
    listArm: () => {
      throw new Error('not used');
    },
  };
}

function inventory(serviceNames: readonly string[], notes: readonly string[] = []) {
  return {
    entries: serviceNames.map((name) => ({ type: 'Microsoft.ApiManagement/service', name })),
    subscriptions: [{ id: SUBSCRIPTION, name: 'payments-prod' }, { id: 'other', name: undefined }],
    services: serviceNames.length,
    coverage: { complete: notes.length === 0, notes },
  };
}

describe('assertScopeFound', () => {
  it('passes when every named service was found (names compare case-insensitively)', async () => {
    const scope = resolveScope({ services: ['APIM-Payments-WEU'] });
    const fake = sources(['apim-payments-weu']);
    await expect(assertScopeFound(fake, scope, inventory(['apim-payments-weu']))).resolves.toBeUndefined();
    expect(fake.queries).toEqual([]);
  });

  it('names the missing service with suggestions from the subscriptions searched', async () => {
    const scope = resolveScope({ environment: 'prod', services: ['apim-paymnts'] });
    const fake = sources(['apim-orders', 'apim-payments-weu']);
    await expect(assertScopeFound(fake, scope, inventory([]))).rejects.toThrow(
      new ScopeError("no APIM service named 'apim-paymnts' in prod; did you mean apim-payments-weu?", { services: ['apim-payments-weu'] }),
    );
    expect(fake.queries[0]).toMatch(/project name/);
  });

  it('says when part of the scope could not be read, since the service may be there', async () => {
    const scope = resolveScope({ services: ['apim-orders'] });
    await expect(assertScopeFound(sources(['apim-orders']), scope, inventory([], ['1 subscriptions (other) could not be queried: 403.']))).rejects.toThrow(
      "no APIM service named 'apim-orders' in the 2 subscriptions searched; not everything could be read: 1 subscriptions (other) could not be queried: 403",
    );
  });

  it('still fails, without a suggestion, when the names cannot be read', async () => {
    const scope = resolveScope({ services: ['apim-paymnts'] });
    await expect(assertScopeFound(sources(new Error('503')), scope, inventory([]))).rejects.toThrow(
      /^no APIM service named 'apim-paymnts' in the 2 subscriptions searched$/,
    );
  });

  it('an environment with no service is an error that says what could not be read', async () => {
    const scope = resolveScope({ environment: 'prod' });
    await expect(assertScopeFound(sources([]), scope, inventory([], ['1 subscriptions (other) could not be queried: 403.']))).rejects.toThrow(
      'prod matched no API Management service in 2 subscriptions (tag env or environment = prod/production); check the subscriptions and tags of this environment; not everything could be read: 1 subscriptions (other) could not be queried: 403',
    );
    await expect(assertScopeFound(sources([]), scope, inventory(['apim-x']))).resolves.toBeUndefined();
  });
});
