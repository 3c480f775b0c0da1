import rule from '../../src/rules/apim-032-sample-products.js';
import { apimService, apimV2Service, childOf, type Raw } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const PRODUCT = 'Microsoft.ApiManagement/service/products';
const service = apimService();

function product(name: string, properties: Raw | null = { displayName: name, subscriptionRequired: true }): Raw {
  return childOf(service, `products/${name}`, PRODUCT, properties);
}

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2: same verdict as a classic tier', resources: [apimV2Service('BasicV2'), product('orders')], reason: "Product 'orders' is not a sample product." },
    { name: 'PremiumV2: same verdict as a classic tier', resources: [apimV2Service('PremiumV2'), product('orders')], reason: "Product 'orders' is not a sample product." },
    { name: 'own product', resources: [service, product('orders')], reason: "Product 'orders' is not a sample product." },
    {
      name: 'display name "Starter" on another product name (judged by name)',
      resources: [service, product('partner-starter', { displayName: 'Starter', subscriptionRequired: true })],
    },
    { name: 'service collected with no products', resources: [{ ...service, resources: [] }], reason: 'The service has no products.' },
  ],
  fail: [
    {
      name: 'StandardV2: same verdict as a classic tier',
      resources: [apimV2Service('StandardV2'), product('starter')],
      reason: "Product 'starter' is a sample product that API Management creates with the service.",
      evidence: [{ path: 'products/starter: name', actual: 'starter' }],
    },
    {
      name: 'starter product present',
      resources: [service, product('starter')],
      reason: "Product 'starter' is a sample product that API Management creates with the service.",
      evidence: [{ path: 'products/starter: name', actual: 'starter', expected: 'a name other than starter or unlimited (sample products removed)' }],
    },
    {
      name: 'name in other casing "Unlimited"',
      resources: [service, product('Unlimited')],
      evidence: [{ path: 'products/Unlimited: name', actual: 'Unlimited' }],
    },
    {
      name: 'both sample products among own products (PSRule fixture apim-A)',
      resources: [service, product('product-A'), product('starter'), product('unlimited')],
      failing: ['starter', 'unlimited'],
      evidence: [{ path: 'products/starter: name' }, { path: 'products/unlimited: name' }],
    },
  ],
  notApplicable: [],
  notChecked: [
    { name: 'products not collected', resources: [service], reason: 'needs products' },
  ],
  error: [{ name: 'product with null properties', resources: [service, product('broken', null)], reason: "Product 'broken' cannot be judged: properties is null." }],
});
