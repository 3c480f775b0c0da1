import rule from '../../src/rules/apim-021-defender-for-apis.js';
import { apimService, apimV2Service, childOf, extensionOf, type Raw } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const service = apimService();
const COLLECTIONS = 'providers/Microsoft.Security/apiCollections';

function api(name: string, properties: Raw | null): Raw {
  return childOf(service, `apis/${name}`, 'Microsoft.ApiManagement/service/apis', properties);
}

function rest(name: string, extra: Raw = {}): Raw {
  return api(name, { displayName: name, path: name, protocols: ['https'], isCurrent: true, ...extra });
}

function collection(name: string, properties: Raw | null = { provisioningState: 'Succeeded' }): Raw {
  return extensionOf(service, 'Microsoft.Security/apiCollections', name, properties);
}

/** Both collections present (PSRule-style nesting), holding these children. */
function withChildren(...children: Raw[]): Raw {
  return { ...service, resources: children };
}

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2: same verdict as a classic tier', resources: [apimV2Service('BasicV2'), rest('orders'), collection('orders')], reason: "API 'orders' is onboarded to Defender for APIs." },
    { name: 'PremiumV2: same verdict as a classic tier', resources: [apimV2Service('PremiumV2'), rest('orders'), collection('orders')], reason: "API 'orders' is onboarded to Defender for APIs." },
    {
      name: 'REST API with its collection',
      resources: [service, rest('orders'), collection('orders')],
      reason: "API 'orders' is onboarded to Defender for APIs.",
    },
    { name: 'no APIs and no collections', resources: [withChildren()], reason: 'The service has no APIs' },
    { name: 'collection name differs in case', resources: [service, rest('Orders', { type: 'HTTP' }), collection('orders')] },
    {
      name: 'collection matched by discoveredVia',
      resources: [service, rest('orders'), collection('orders-collection', { discoveredVia: `${String(service['id'])}/apis/ORDERS` })],
    },
    {
      name: 'GraphQL API without a collection next to an onboarded REST API',
      resources: [service, rest('orders'), collection('orders'), rest('graph', { type: 'graphql' })],
    },
    {
      name: 'collection with null properties still counts by name',
      resources: [service, rest('orders'), collection('orders', null)],
    },
  ],
  fail: [
    {
      name: 'StandardV2: same verdict as a classic tier',
      resources: [{ ...apimV2Service('StandardV2'), resources: [rest('orders')] }],
      reason: "API 'orders' is a REST API that is not onboarded to Defender for APIs.",
      evidence: [{ path: `${COLLECTIONS}/orders`, actual: undefined, note: 'absent' }],
    },
    {
      name: 'REST API (type absent) without a collection',
      resources: [withChildren(rest('orders'))],
      reason: "API 'orders' is a REST API that is not onboarded to Defender for APIs.",
      evidence: [{ path: `${COLLECTIONS}/orders`, actual: undefined, note: 'absent' }],
    },
    {
      name: 'REST API via apiType "http" while another API is onboarded',
      resources: [service, rest('orders', { apiType: 'http' }), rest('payments'), collection('payments')],
      failing: ['orders'],
      evidence: [{ path: `${COLLECTIONS}/orders`, actual: undefined }],
    },
    {
      name: 'mixed APIs: only REST current revisions without collections fail (PSRule apim-C shape)',
      resources: [
        service,
        rest('api-A'),
        rest('api-B', { type: 'graphql' }),
        rest('api-C', { type: 'http' }),
        rest('api-C;rev=2', { type: 'http', isCurrent: false }),
        rest('chat', { type: 'websocket' }),
        rest('soap', { type: 'soap' }),
        collection('api-B'),
        collection('api-c'),
      ],
      failing: ['api-A'],
      evidence: [{ path: `${COLLECTIONS}/api-A`, actual: undefined }],
    },
  ],
  notApplicable: [
    {
      name: 'only a GraphQL API',
      resources: [withChildren(rest('graph', { type: 'graphql' }))],
      reason: "API 'graph' is a graphql API; Defender for APIs onboards REST APIs only.",
    },
    {
      name: 'only a non-current revision',
      resources: [withChildren(rest('orders;rev=3', { isCurrent: false }))],
      reason: 'is not the current revision',
    },
  ],
  notChecked: [
    { name: 'neither collection collected', resources: [service], reason: 'needs APIs and Defender for APIs collections' },
    { name: 'APIs collected, collections not', resources: [service, rest('orders')], reason: 'needs Defender for APIs collections,' },
    { name: 'collections collected, APIs not', resources: [service, collection('orders')], reason: 'needs APIs,' },
  ],
  error: [{ name: 'API with null properties', resources: [withChildren(api('orders', null))], reason: 'properties is null' }],
  fix: [
    {
      name: 'another API is onboarded: the plan is shown to be on',
      resources: [service, rest('orders'), rest('payments'), collection('payments')],
      summary: "Onboard API 'orders' of service 'apim-test' to Defender for APIs.",
      request: {
        method: 'PUT',
        path: `${String(service['id'])}/providers/Microsoft.Security/apiCollections/orders`,
        apiVersion: '2023-11-15',
        body: {},
      },
      changes: [{ path: `${COLLECTIONS}/orders`, before: undefined, after: `${String(service['id'])}/${COLLECTIONS}/orders` }],
      preconditions: [{ description: 'The Defender for APIs plan is enabled on the subscription', satisfied: true, detail: 'already has an API onboarded' }],
    },
    {
      name: 'no API onboarded yet: the plan cannot be shown',
      resources: [withChildren(rest('orders'))],
      request: { path: `/${COLLECTIONS}/orders`, body: {} },
      preconditions: [
        {
          description: 'The Defender for APIs plan is enabled on the subscription',
          satisfied: false,
          detail: 'enable Defender for APIs on subscription 00000000-0000-0000-0000-000000000001 (Microsoft.Security/pricings/Api) first',
        },
      ],
    },
    {
      name: 'one of several failing APIs, chosen by name',
      resources: [service, rest('orders'), rest('billing'), rest('payments'), collection('payments')],
      resource: 'billing',
      request: { path: `/${COLLECTIONS}/billing` },
    },
  ],
});
