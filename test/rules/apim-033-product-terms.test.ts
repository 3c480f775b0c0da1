import rule from '../../src/rules/apim-033-product-terms.js';
import { apimService, apimV2Service, childOf, type Raw } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const PRODUCT = 'Microsoft.ApiManagement/service/products';
const TERMS = 'Use of these APIs is subject to the Contoso API terms.';
const service = apimService();

function product(name: string, properties: Raw | null): Raw {
  return childOf(service, `products/${name}`, PRODUCT, properties);
}

function withTerms(name: string, terms: unknown): Raw {
  return product(name, { displayName: name, description: `${name} APIs`, terms, subscriptionRequired: true });
}

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2: same verdict as a classic tier', resources: [apimV2Service('BasicV2'), withTerms('orders', TERMS)], reason: "Product 'orders' has terms of use." },
    { name: 'PremiumV2: same verdict as a classic tier', resources: [apimV2Service('PremiumV2'), withTerms('orders', TERMS)], reason: "Product 'orders' has terms of use." },
    { name: 'product with terms', resources: [service, withTerms('orders', TERMS)], reason: "Product 'orders' has terms of use." },
    { name: 'service collected with no products', resources: [{ ...service, resources: [] }], reason: 'The service has no products.' },
  ],
  fail: [
    {
      name: 'StandardV2: same verdict as a classic tier',
      resources: [apimV2Service('StandardV2'), product('orders', { displayName: 'orders', subscriptionRequired: true })],
      reason: "Product 'orders' has no terms of use.",
      evidence: [{ path: 'products/orders: properties.terms', actual: undefined, expected: 'terms of use text', note: 'absent' }],
    },
    {
      name: 'terms absent',
      resources: [service, product('orders', { displayName: 'orders', subscriptionRequired: true })],
      reason: "Product 'orders' has no terms of use.",
      evidence: [{ path: 'products/orders: properties.terms', actual: undefined, expected: 'terms of use text', note: 'absent' }],
    },
    {
      name: 'terms null (PSRule fixture apim-C)',
      resources: [service, withTerms('orders', null)],
      evidence: [{ path: 'products/orders: properties.terms', actual: null, note: 'absent' }],
    },
    {
      name: 'terms empty string (PSRule fixture starter)',
      resources: [service, withTerms('orders', '')],
      evidence: [{ path: 'products/orders: properties.terms', actual: '', note: 'empty' }],
    },
    {
      name: 'terms only whitespace',
      resources: [service, withTerms('orders', '  \n ')],
      evidence: [{ path: 'products/orders: properties.terms', actual: '  \n ', note: 'empty' }],
    },
    {
      name: 'mixed products: only the one without terms fails',
      resources: [service, withTerms('product-A', TERMS), withTerms('product-B', null)],
      failing: ['product-B'],
      evidence: [{ path: 'products/product-B: properties.terms' }],
    },
  ],
  notApplicable: [],
  notChecked: [
    { name: 'products not collected', resources: [service], reason: 'needs products' },
  ],
  error: [{ name: 'product with null properties', resources: [service, product('broken', null)], reason: "Product 'broken' cannot be judged: properties is null." }],
});
