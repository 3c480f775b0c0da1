import { describe, expect, it } from 'vitest';
import { fetchChildren } from '../../src/inventory/child-fetch.js';
import { ReadBudget } from '../../src/inventory/read-budget.js';
import type { InventorySources } from '../../src/inventory/sources.js';

const SUB = '11111111-1111-1111-1111-111111111111';
const SERVICE = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ApiManagement/service/apim-a`;
const OPERATION = `${SERVICE}/apis/orders/operations/get-order`;

function assessment(resourceId: string, name = '91af2040-7874-4659-abf0-578e1f8d07dc'): Record<string, unknown> {
  return {
    id: `${resourceId}/providers/Microsoft.Security/assessments/${name}`,
    name,
    type: 'Microsoft.Security/assessments',
    properties: { resourceDetails: { source: 'Azure', id: resourceId }, displayName: 'x', status: { code: 'Healthy' } },
  };
}

/** Sources that answer only the subscription-scope assessments list, and record every request. */
function sources(items: readonly unknown[]): { sources: InventorySources; requests: { path: string; apiVersion: string }[] } {
  const requests: { path: string; apiVersion: string }[] = [];
  return {
    requests,
    sources: {
      queryArgPage: () => Promise.reject(new Error('not used')),
      async *listArm(_subscriptionId, path, apiVersion) {
        requests.push({ path, apiVersion });
        await Promise.resolve();
        if (path !== `/subscriptions/${SUB}/providers/Microsoft.Security/assessments`) throw new Error(`404 at ${path}`);
        yield* items;
      },
    },
  };
}

describe('Defender assessments are read where ARM lists them', () => {
  it('lists them at the subscription scope (Assessments_List, 2021-06-01) and keeps those below the service', async () => {
    const { sources: fake, requests } = sources([
      assessment(OPERATION),
      assessment(`${SERVICE.toUpperCase()}/APIS/PAYMENTS/OPERATIONS/POST`, '4e8c00a2-e8bc-42a8-9e12-99584a51ad10'),
      // Another service whose name starts with this one's, a Key Vault, and an item without an id.
      assessment(`${SERVICE}b/apis/orders/operations/get-order`),
      assessment(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv`),
      { name: 'no-id' },
    ]);
    const result = await fetchChildren(fake, new ReadBudget(), { id: SERVICE, subscriptionId: SUB }, new Set(['securityAssessments']));
    expect(requests).toEqual([{ path: `/subscriptions/${SUB}/providers/Microsoft.Security/assessments`, apiVersion: '2021-06-01' }]);
    expect(result.incomplete).toEqual({});
    expect(result.collected).toEqual(['securityAssessments']);
    expect(result.items.map((item) => (item as { id: string }).id)).toEqual([
      `${OPERATION}/providers/Microsoft.Security/assessments/91af2040-7874-4659-abf0-578e1f8d07dc`,
      `${SERVICE.toUpperCase()}/APIS/PAYMENTS/OPERATIONS/POST/providers/Microsoft.Security/assessments/4e8c00a2-e8bc-42a8-9e12-99584a51ad10`,
    ]);
  });

  it('a subscription with no assessments below the service still counts as collected (none)', async () => {
    const { sources: fake } = sources([assessment(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv`)]);
    const result = await fetchChildren(fake, new ReadBudget(), { id: SERVICE, subscriptionId: SUB }, new Set(['securityAssessments']));
    expect(result.items).toEqual([]);
    expect(result.collected).toEqual(['securityAssessments']);
  });
});
