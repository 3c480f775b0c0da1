import rule from '../../src/rules/apim-031-product-approval.js';
import { apimService, apimV2Service, childOf, type Raw } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const PRODUCT = 'Microsoft.ApiManagement/service/products';
const service = apimService();

function product(name: string, properties: Raw | null): Raw {
  return childOf(service, `products/${name}`, PRODUCT, properties);
}

function withApproval(name: string, approvalRequired: unknown, subscriptionRequired: unknown = true): Raw {
  return product(name, { displayName: name, subscriptionRequired, approvalRequired, state: 'published' });
}

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2: same verdict as a classic tier', resources: [apimV2Service('BasicV2'), withApproval('orders', true)], reason: "Product 'orders' requires approval of new subscriptions." },
    { name: 'PremiumV2: same verdict as a classic tier', resources: [apimV2Service('PremiumV2'), withApproval('orders', true)], reason: "Product 'orders' requires approval of new subscriptions." },
    { name: 'product requires approval', resources: [service, withApproval('orders', true)], reason: "Product 'orders' requires approval of new subscriptions." },
    { name: 'approvalRequired as the string "TRUE"', resources: [service, withApproval('orders', 'TRUE')] },
    { name: 'service collected with no products', resources: [{ ...service, resources: [] }], reason: 'The service has no products.' },
    {
      name: 'open product that requires approval is judged on approval alone (PSRule fixture apim-B product-B)',
      resources: [service, withApproval('product-B', true, false)],
    },
  ],
  fail: [
    {
      name: 'StandardV2: same verdict as a classic tier',
      resources: [apimV2Service('StandardV2'), withApproval('starter', false)],
      reason: "Product 'starter' does not require approval",
      evidence: [{ path: 'products/starter: properties.approvalRequired', actual: false, expected: true, note: 'approved automatically' }],
    },
    {
      name: 'approval not required',
      resources: [service, withApproval('starter', false)],
      reason: "Product 'starter' does not require approval: anyone who signs up gets a working subscription key.",
      evidence: [{ path: 'products/starter: properties.approvalRequired', actual: false, expected: true, note: 'approved automatically' }],
    },
    {
      name: 'approvalRequired absent (platform default false)',
      resources: [service, product('orders', { displayName: 'orders', subscriptionRequired: true })],
      evidence: [{ path: 'products/orders: properties.approvalRequired', actual: undefined, note: 'absent — platform default: false' }],
    },
    {
      name: 'approvalRequired null',
      resources: [service, withApproval('orders', null)],
      evidence: [{ path: 'products/orders: properties.approvalRequired', actual: null }],
    },
    {
      name: 'open product without approval also shows subscriptionRequired',
      resources: [service, withApproval('public', false, false)],
      evidence: [
        { path: 'products/public: properties.approvalRequired', actual: false },
        { path: 'products/public: properties.subscriptionRequired', actual: false, expected: true, note: 'APIM-030' },
      ],
    },
    {
      name: 'mixed products: only the one without approval fails (PSRule fixture apim-A)',
      resources: [service, withApproval('product-A', true), withApproval('starter', false), withApproval('unlimited', true)],
      failing: ['starter'],
      evidence: [{ path: 'products/starter: properties.approvalRequired' }],
    },
  ],
  notApplicable: [],
  notChecked: [
    { name: 'products not collected', resources: [service], reason: 'needs products' },
  ],
  error: [{ name: 'product with null properties', resources: [service, product('broken', null)], reason: "Product 'broken' cannot be judged: properties is null." }],
  fix: [
    {
      name: 'protected product without approval',
      resources: [service, withApproval('orders', false)],
      summary: "Make new subscriptions to product 'orders' of service 'apim-test' wait for an administrator's approval.",
      request: { method: 'PATCH', path: '/products/orders', apiVersion: '2024-05-01', body: { properties: { subscriptionRequired: true, approvalRequired: true } } },
      changes: [{ path: 'products/orders: properties.approvalRequired', before: false, after: true }],
      preconditions: [{ description: 'The product requires a subscription', satisfied: true }],
    },
    {
      name: 'open product: the request also requires a subscription, and says APIM-030 comes first',
      resources: [service, withApproval('partners', undefined, false)],
      summary: /wait for an administrator's approval, which also makes the product require a subscription\.$/,
      request: { body: { properties: { subscriptionRequired: true, approvalRequired: true } } },
      changes: [
        { path: 'products/partners: properties.subscriptionRequired', before: false, after: true },
        { path: 'products/partners: properties.approvalRequired', before: undefined, after: true },
      ],
      preconditions: [
        {
          description: 'The product requires a subscription',
          satisfied: false,
          detail: "Product 'partners' is open (subscriptionRequired is false): approval has no effect on an open product, so this request also requires a subscription, and callers of its APIs without a key get 401. Fix APIM-030 first, with its preconditions.",
        },
      ],
    },
  ],
});
