import { describe, expect, it } from 'vitest';
import { evaluateRule } from '../../src/engine/evaluate.js';
import type { FixRequest } from '../../src/contracts/fix-plan.js';
import { normalizeEstate } from '../../src/estate/normalize.js';
import { planFixFor } from '../../src/remediation/plan-fix.js';
import { findRule } from '../../src/rules/index.js';
import type { AnyRule, RuleContext } from '../../src/rules/types.js';
import { apimService, childOf, type Raw } from '../support/fixtures.js';

/**
 * The product contracts of the REST spec, hand-copied until the specs are vendored: specification/
 * apimanagement/resource-manager/Microsoft.ApiManagement/stable/2024-05-01/apimproducts.json
 * (Product_Update takes ProductUpdateParameters, Product_CreateOrUpdate takes ProductContract) and
 * definitions.json (ProductUpdateProperties, ProductContractProperties, ProductEntityBaseParameters).
 * Cross-checked with the mappers of @azure/arm-apimanagement 10.0.0, generated from that spec.
 */
const PRODUCT_PROPERTIES: Readonly<Record<string, 'string' | 'boolean' | 'number'>> = {
  description: 'string',
  terms: 'string',
  subscriptionRequired: 'boolean',
  approvalRequired: 'boolean',
  subscriptionsLimit: 'number',
  state: 'string',
  displayName: 'string',
};
/** ProductContractProperties requires displayName; ProductUpdateProperties requires nothing. */
const REQUIRED: Readonly<Record<FixRequest['method'], readonly string[]>> = { PUT: ['displayName'], PATCH: [] };

/** What the spec lets a product request body be, as one sentence per problem. */
function productBodyProblems(request: FixRequest): string[] {
  const problems: string[] = [];
  const { properties, ...rest } = request.body;
  if (Object.keys(rest).length > 0) problems.push(`top-level fields besides properties: ${Object.keys(rest).join(', ')}`);
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) return [...problems, 'properties is not an object'];
  const fields = properties as Raw;
  for (const [name, value] of Object.entries(fields)) {
    const type = PRODUCT_PROPERTIES[name];
    if (type === undefined) problems.push(`properties.${name} is not a product property`);
    else if (typeof value !== type) problems.push(`properties.${name} is not a ${type}`);
  }
  for (const name of REQUIRED[request.method]) if (!(name in fields)) problems.push(`properties.${name} is required for ${request.method}`);
  // ProductEntityBaseParameters.approvalRequired: "Can be present only if subscriptionRequired property is present".
  if ('approvalRequired' in fields && !('subscriptionRequired' in fields)) problems.push('approvalRequired is sent without subscriptionRequired');
  return problems;
}

const context: RuleContext<unknown> = { now: new Date('2026-06-01T00:00:00Z'), options: {} };
const service = apimService();

function productRequests(id: string, properties: Raw): FixRequest[] {
  const rule = findRule(id) as AnyRule;
  const [apim] = normalizeEstate([service, childOf(service, 'products/orders', 'Microsoft.ApiManagement/service/products', properties)]).services;
  if (apim === undefined) throw new Error('no service');
  return evaluateRule(rule, apim, context)
    .filter((result) => result.outcome === 'fail')
    .map((result) => {
      const plan = planFixFor(rule, apim, result, context);
      if (plan === undefined) throw new Error(`${id}: no plan`);
      return plan.request;
    });
}

describe('product fix bodies against the REST spec 2024-05-01', () => {
  it.each([
    ['APIM-031', 'protected product', { displayName: 'Orders', subscriptionRequired: true, approvalRequired: false, state: 'published' }],
    ['APIM-031', 'open product', { displayName: 'Orders', subscriptionRequired: false, state: 'published' }],
    ['APIM-030', 'open product', { displayName: 'Orders', subscriptionRequired: false, approvalRequired: false, state: 'published' }],
  ])('%s on a %s sends a body the spec accepts', (id, _what, properties) => {
    const requests = productRequests(id, properties);
    expect(requests).toHaveLength(1);
    for (const request of requests) {
      expect(request.method).toBe('PATCH');
      expect(productBodyProblems(request)).toEqual([]);
    }
  });

  it('the check finds what the spec refuses', () => {
    const path = '/products/orders';
    expect(productBodyProblems({ method: 'PATCH', path, apiVersion: '2024-05-01', body: { properties: { approvalRequired: true } } })).toEqual([
      'approvalRequired is sent without subscriptionRequired',
    ]);
    expect(productBodyProblems({ method: 'PUT', path, apiVersion: '2024-05-01', body: { properties: { subscriptionRequired: 'yes' } } })).toEqual([
      'properties.subscriptionRequired is not a boolean',
      'properties.displayName is required for PUT',
    ]);
    expect(productBodyProblems({ method: 'PATCH', path, apiVersion: '2024-05-01', body: { name: 'x', properties: { approval: true } } })).toEqual([
      'top-level fields besides properties: name',
      'properties.approval is not a product property',
    ]);
  });
});
