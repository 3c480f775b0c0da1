import rule from '../../src/rules/apim-029-all-apis-subscriptions.js';
import { apimService, apimV2Service, childOf, type Raw } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const SUBSCRIPTION = 'Microsoft.ApiManagement/service/subscriptions';
const service = apimService();
const serviceId = String(service['id']);
const ALL_APIS = `${serviceId}/apis`;
const PRODUCT_SCOPE = `${serviceId}/products/starter`;

function subscription(name: string, properties: Raw | null): Raw {
  return childOf(service, `subscriptions/${name}`, SUBSCRIPTION, properties);
}

/** The built-in all-access subscription as ARM lists it. */
function master(state: unknown, scope: unknown = ALL_APIS): Raw {
  return subscription('master', { displayName: 'Built-in all-access subscription', scope, state, ownerId: `${serviceId}/users/1`, allowTracing: false });
}

const productSubscription = subscription('5600b59475ff190048070001', { scope: PRODUCT_SCOPE, state: 'active', ownerId: `${serviceId}/users/1` });

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2: same verdict as a classic tier', resources: [apimV2Service('BasicV2'), productSubscription], reason: 'is scoped to a product or a single API.' },
    { name: 'PremiumV2: same verdict as a classic tier', resources: [apimV2Service('PremiumV2'), productSubscription], reason: 'is scoped to a product or a single API.' },
    {
      name: 'active subscription scoped to a product',
      resources: [service, productSubscription],
      reason: "APIM subscription '5600b59475ff190048070001' is scoped to a product or a single API.",
    },
    { name: 'active subscription scoped to one API', resources: [service, subscription('orders-client', { scope: `${serviceId}/apis/orders`, state: 'active' })] },
    {
      name: 'built-in all-access subscription suspended (note)',
      resources: [service, master('suspended')],
      reason: "APIM subscription 'master' (Built-in all-access subscription) is scoped to all APIs but is suspended, so its keys are not accepted.",
    },
    { name: 'all-APIs subscription cancelled', resources: [service, master('cancelled')], reason: 'but is cancelled' },
    { name: 'all-APIs subscription with no state', resources: [service, master(undefined)], reason: 'has no state, so it is not counted as active' },
    { name: 'subscription without a scope', resources: [service, subscription('odd', { state: 'active' })], reason: 'has no scope' },
  ],
  fail: [
    {
      name: 'StandardV2: same verdict as a classic tier',
      resources: [apimV2Service('StandardV2'), master('active')],
      reason: "APIM subscription 'master' (Built-in all-access subscription) is active and scoped to all APIs",
      evidence: [{ path: 'subscriptions/master: properties.state', actual: 'active', expected: 'not active (suspended or cancelled)' }],
    },
    {
      name: 'built-in all-access subscription active',
      resources: [service, master('active')],
      reason: "APIM subscription 'master' (Built-in all-access subscription) is active and scoped to all APIs",
      evidence: [
        { path: 'subscriptions/master: properties.scope', actual: ALL_APIS, note: 'scoped to all APIs' },
        { path: 'subscriptions/master: properties.state', actual: 'active', expected: 'not active (suspended or cancelled)' },
      ],
    },
    {
      name: 'state "Active" and scope "/APIS" in other casing',
      resources: [service, master('Active', `${serviceId}/APIS`)],
      evidence: [{ path: 'subscriptions/master: properties.state', actual: 'Active' }],
    },
    {
      name: 'relative all-APIs scope "/apis/" with a trailing slash',
      resources: [service, master('active', '/apis/')],
      evidence: [{ path: 'subscriptions/master: properties.scope', actual: '/apis/' }],
    },
    {
      name: 'mixed subscriptions: only the all-APIs one fails',
      resources: [service, productSubscription, master('active'), subscription('legacy-all', { scope: ALL_APIS, state: 'suspended' })],
      failing: ['master'],
      evidence: [{ path: 'subscriptions/master: properties.scope' }],
    },
  ],
  notApplicable: [],
  notChecked: [
    { name: 'subscriptions not collected', resources: [service], reason: 'needs APIM subscriptions' },
    {
      name: 'a PSRule export does not carry subscriptions',
      resources: [{ ...service, resources: [] }],
      reason: 'needs APIM subscriptions',
    },
  ],
  error: [{ name: 'subscription with null properties', resources: [service, subscription('broken', null)], reason: "APIM subscription 'broken' cannot be judged: properties is null." }],
});
