import rule from '../../src/rules/apim-034-product-descriptors.js';
import { apimService, apimV2Service, childOf, type Raw } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const PRODUCT = 'Microsoft.ApiManagement/service/products';
const service = apimService();

function product(name: string, properties: Raw | null): Raw {
  return childOf(service, `products/${name}`, PRODUCT, properties);
}

function described(name: string, displayName: unknown, description: unknown): Raw {
  return product(name, { displayName, description, subscriptionRequired: true });
}

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2: same verdict as a classic tier', resources: [apimV2Service('BasicV2'), described('orders', 'Orders', 'Order APIs for partners.')], reason: "Product 'orders' has a display name and a description." },
    { name: 'PremiumV2: same verdict as a classic tier', resources: [apimV2Service('PremiumV2'), described('orders', 'Orders', 'Order APIs for partners.')], reason: "Product 'orders' has a display name and a description." },
    {
      name: 'display name and description set',
      resources: [service, described('orders', 'Orders', 'Order APIs for partners.')],
      reason: "Product 'orders' has a display name and a description.",
    },
    { name: 'service collected with no products', resources: [{ ...service, resources: [] }], reason: 'The service has no products.' },
  ],
  fail: [
    {
      name: 'StandardV2: same verdict as a classic tier',
      resources: [apimV2Service('StandardV2'), described('product-A', 'product-A', '')],
      reason: "Product 'product-A' has no description.",
      evidence: [{ path: 'products/product-A: properties.description', actual: '', note: 'empty' }],
    },
    {
      name: 'description empty (PSRule fixture product-A)',
      resources: [service, described('product-A', 'product-A', '')],
      reason: "Product 'product-A' has no description.",
      evidence: [{ path: 'products/product-A: properties.description', actual: '', expected: 'a non-empty description', note: 'empty' }],
    },
    {
      name: 'description null',
      resources: [service, described('product-B', 'product-B', null)],
      evidence: [{ path: 'products/product-B: properties.description', actual: null, note: 'absent' }],
    },
    {
      name: 'display name whitespace only',
      resources: [service, described('orders', '   ', 'Order APIs.')],
      reason: "Product 'orders' has no displayName.",
      evidence: [{ path: 'products/orders: properties.displayName', actual: '   ', note: 'empty' }],
    },
    {
      name: 'both absent',
      resources: [service, product('orders', { subscriptionRequired: true })],
      reason: "Product 'orders' has no displayName and no description.",
      evidence: [
        { path: 'products/orders: properties.displayName', actual: undefined, note: 'absent' },
        { path: 'products/orders: properties.description', actual: undefined, note: 'absent' },
      ],
    },
    {
      name: 'mixed products: only the undescribed one fails',
      resources: [service, described('orders', 'Orders', 'Order APIs.'), described('product-B', 'product-B', null)],
      failing: ['product-B'],
      evidence: [{ path: 'products/product-B: properties.description' }],
    },
  ],
  notApplicable: [],
  notChecked: [
    { name: 'products not collected', resources: [service], reason: 'needs products' },
  ],
  error: [{ name: 'product with null properties', resources: [service, product('broken', null)], reason: "Product 'broken' cannot be judged: properties is null." }],
});
