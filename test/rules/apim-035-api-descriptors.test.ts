import rule from '../../src/rules/apim-035-api-descriptors.js';
import { apimService, apimV2Service, childOf, type Raw } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const API = 'Microsoft.ApiManagement/service/apis';
const service = apimService();

function api(name: string, properties: Raw | null): Raw {
  return childOf(service, `apis/${name}`, API, properties);
}

function described(name: string, displayName: unknown, description: unknown): Raw {
  return api(name, { displayName, description, path: name, protocols: ['https'] });
}

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2: same verdict as a classic tier', resources: [apimV2Service('BasicV2'), described('orders', 'Orders', 'Create and read orders.')], reason: "API 'orders' has a display name and a description." },
    { name: 'PremiumV2: same verdict as a classic tier', resources: [apimV2Service('PremiumV2'), described('orders', 'Orders', 'Create and read orders.')], reason: "API 'orders' has a display name and a description." },
    {
      name: 'display name and description set',
      resources: [service, described('orders', 'Orders', 'Create and read orders.')],
      reason: "API 'orders' has a display name and a description.",
    },
    { name: 'service collected with no APIs', resources: [{ ...service, resources: [] }], reason: 'The service has no APIs.' },
    {
      name: 'PSRule export: described APIs nested in the service',
      resources: [
        {
          ...service,
          resources: [{ ResourceId: `${String(service['id'])}/apis/orders`, Name: 'orders', ResourceType: API, Properties: { displayName: 'Orders', description: 'Orders.' } }],
        },
      ],
    },
  ],
  fail: [
    {
      name: 'StandardV2: same verdict as a classic tier',
      resources: [apimV2Service('StandardV2'), described('api-B', 'api-B', '')],
      reason: "API 'api-B' has no description.",
      evidence: [{ path: 'apis/api-B: properties.description', actual: '', note: 'empty' }],
    },
    {
      name: 'description empty (PSRule fixture apim-B api-B)',
      resources: [service, described('api-B', 'api-B', '')],
      reason: "API 'api-B' has no description.",
      evidence: [{ path: 'apis/api-B: properties.description', actual: '', expected: 'a non-empty description', note: 'empty' }],
    },
    {
      name: 'description absent',
      resources: [service, api('orders', { displayName: 'Orders', path: 'orders' })],
      evidence: [{ path: 'apis/orders: properties.description', actual: undefined, note: 'absent' }],
    },
    {
      name: 'display name null',
      resources: [service, described('orders', null, 'Create and read orders.')],
      reason: "API 'orders' has no displayName.",
      evidence: [{ path: 'apis/orders: properties.displayName', actual: null, note: 'absent' }],
    },
    {
      name: 'both blank',
      resources: [service, described('orders', ' ', '')],
      reason: "API 'orders' has no displayName and no description.",
      evidence: [{ path: 'apis/orders: properties.displayName', actual: ' ' }, { path: 'apis/orders: properties.description', actual: '' }],
    },
    {
      name: 'mixed APIs: only the undescribed one fails',
      resources: [service, described('api-A', 'api-A', 'Azure Logic App.'), described('api-B', 'api-B', '')],
      failing: ['api-B'],
      evidence: [{ path: 'apis/api-B: properties.description' }],
    },
  ],
  notApplicable: [],
  notChecked: [
    { name: 'APIs not collected', resources: [service], reason: 'needs APIs' },
  ],
  error: [{ name: 'API with null properties', resources: [service, api('broken', null)], reason: "API 'broken' cannot be judged: properties is null." }],
});
