import rule from '../../src/rules/apim-030-product-subscription.js';
import { apimService, apimV2Service, childOf, type Raw } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const PRODUCT = 'Microsoft.ApiManagement/service/products';
const service = apimService();

function product(name: string, properties: Raw | null): Raw {
  return childOf(service, `products/${name}`, PRODUCT, properties);
}

function subscription(name: string, scope: string, state: string): Raw {
  return childOf(service, `subscriptions/${name}`, 'Microsoft.ApiManagement/service/subscriptions', { displayName: name, scope, state });
}

function withSubscription(name: string, subscriptionRequired: unknown): Raw {
  return product(name, { displayName: name, description: `${name} APIs`, subscriptionRequired, approvalRequired: true, state: 'published' });
}

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2: same verdict as a classic tier', resources: [apimV2Service('BasicV2'), withSubscription('orders', true)], reason: "Product 'orders' requires a subscription." },
    { name: 'PremiumV2: same verdict as a classic tier', resources: [apimV2Service('PremiumV2'), withSubscription('orders', true)], reason: "Product 'orders' requires a subscription." },
    { name: 'product requires a subscription', resources: [service, withSubscription('orders', true)], reason: "Product 'orders' requires a subscription." },
    { name: 'subscriptionRequired as the string "True"', resources: [service, withSubscription('orders', 'True')] },
    { name: 'service collected with no products', resources: [{ ...service, resources: [] }], reason: 'The service has no products.' },
    {
      name: 'PSRule export: protected products nested in the service',
      resources: [
        {
          ...service,
          resources: [{ ResourceId: `${String(service['id'])}/products/orders`, Name: 'orders', ResourceType: PRODUCT, Properties: { subscriptionRequired: true } }],
        },
      ],
    },
  ],
  fail: [
    {
      name: 'StandardV2: same verdict as a classic tier',
      resources: [apimV2Service('StandardV2'), withSubscription('starter', false)],
      reason: "Product 'starter' does not require a subscription",
      evidence: [{ path: 'products/starter: properties.subscriptionRequired', actual: false, expected: true, note: 'open product' }],
    },
    {
      name: 'open product (subscriptionRequired false)',
      resources: [service, withSubscription('starter', false)],
      reason: "Product 'starter' does not require a subscription: its APIs can be called without a key.",
      evidence: [{ path: 'products/starter: properties.subscriptionRequired', actual: false, expected: true, note: 'open product' }],
    },
    {
      name: 'subscriptionRequired absent (PSRule: fail)',
      resources: [service, product('orders', { displayName: 'orders', state: 'published' })],
      evidence: [{ path: 'products/orders: properties.subscriptionRequired', actual: undefined, note: 'absent — counted as not required' }],
    },
    {
      name: 'subscriptionRequired null',
      resources: [service, withSubscription('orders', null)],
      evidence: [{ path: 'products/orders: properties.subscriptionRequired', actual: null, note: 'absent' }],
    },
    {
      name: 'subscriptionRequired as the string "false"',
      resources: [service, withSubscription('orders', 'false')],
      evidence: [{ path: 'products/orders: properties.subscriptionRequired', actual: 'false' }],
    },
    {
      name: 'mixed products: only the open one fails (PSRule fixture apim-B)',
      resources: [service, withSubscription('product-A', true), withSubscription('product-B', false)],
      failing: ['product-B'],
      evidence: [{ path: 'products/product-B: properties.subscriptionRequired', actual: false }],
    },
  ],
  notApplicable: [],
  notChecked: [
    { name: 'products not collected', resources: [service], reason: 'needs products' },
  ],
  error: [{ name: 'product with null properties', resources: [service, product('broken', null)], reason: "Product 'broken' cannot be judged: properties is null." }],
  fix: [
    {
      name: 'open product: subscription required',
      resources: [service, withSubscription('orders', false)],
      summary: "Make product 'orders' of service 'apim-test' require a subscription key.",
      request: { method: 'PATCH', path: '/products/orders', apiVersion: '2024-05-01', body: { properties: { subscriptionRequired: true } } },
      changes: [{ path: 'products/orders: properties.subscriptionRequired', before: false, after: true }],
      preconditions: [
        { description: "Callers of product 'orders' send a subscription key", satisfied: false, detail: 'Subscriptions were not read' },
        { description: "The ETag of product 'orders' was read", satisfied: false },
      ],
    },
    {
      name: 'subscriptions read and none for the product: every caller would get 401',
      resources: [{ ...service, resources: [withSubscription('orders', false), subscription('all-access', '/apis', 'active'), subscription('old', '/products/orders', 'cancelled')] }],
      preconditions: [{ description: "Callers of product 'orders' send a subscription key", satisfied: false, detail: "Product 'orders' has no active subscription, so no caller holds a key" }],
    },
    {
      name: 'subscriptions read and one is active: a person confirms every caller sends its key',
      resources: [{ ...service, resources: [withSubscription('orders', false), subscription('acme', `${String(service['id'])}/products/Orders`, 'active')] }],
      preconditions: [{ description: "Callers of product 'orders' send a subscription key", satisfied: false, detail: "Product 'orders' has 1 active subscription, but" }],
    },
    {
      name: 'subscriptionRequired absent',
      resources: [service, withSubscription('partners', undefined)],
      changes: [{ path: 'products/partners: properties.subscriptionRequired', before: undefined, after: true }],
    },
  ],
});
