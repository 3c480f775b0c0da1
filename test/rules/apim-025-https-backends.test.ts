import rule from '../../src/rules/apim-025-https-backends.js';
import { apimService, apimV2Service, childOf, type Raw } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const service = apimService();

function backend(name: string, properties: Raw | null): Raw {
  return childOf(service, `backends/${name}`, 'Microsoft.ApiManagement/service/backends', properties);
}

function api(name: string, properties: Raw | null): Raw {
  return childOf(service, `apis/${name}`, 'Microsoft.ApiManagement/service/apis', properties);
}

/** The service with both collections present (PSRule-style nesting), holding these children. */
function withChildren(...children: Raw[]): Raw {
  return { ...service, resources: children };
}

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2: same verdict as a classic tier', resources: [{ ...apimV2Service('BasicV2'), resources: [backend('orders', { protocol: 'http', url: 'https://orders.contoso.com' }), api('orders', { serviceUrl: 'https://orders.contoso.com/api' })] }], reason: "Backend 'orders' does not forward requests over plain HTTP" },
    { name: 'PremiumV2: same verdict as a classic tier', resources: [{ ...apimV2Service('PremiumV2'), resources: [backend('orders', { protocol: 'http', url: 'https://orders.contoso.com' }), api('orders', { serviceUrl: 'https://orders.contoso.com/api' })] }], reason: "Backend 'orders' does not forward requests over plain HTTP" },
    {
      name: 'https backend and https API service URL',
      resources: [withChildren(backend('orders', { protocol: 'http', url: 'https://orders.contoso.com' }), api('orders', { serviceUrl: 'https://orders.contoso.com/api' }))],
      reason: "Backend 'orders' does not forward requests over plain HTTP (https://orders.contoso.com).",
    },
    { name: 'no backends and no APIs', resources: [withChildren()], reason: 'no backends and no APIs' },
    {
      name: 'upper-case HTTPS:// scheme',
      resources: [withChildren(api('orders', { serviceUrl: 'HTTPS://orders.contoso.com' }))],
    },
    {
      name: 'API without serviceUrl next to an https backend (absent URL not evaluated, PSRule #1555)',
      resources: [withChildren(backend('orders', { protocol: 'http', url: 'https://orders.contoso.com' }), api('graph', { path: 'graph' }))],
    },
    {
      name: 'Service Fabric backend URL fabric:/',
      resources: [withChildren(backend('sf', { protocol: 'http', url: 'fabric:/app/orders', properties: { serviceFabricCluster: {} } }))],
    },
    {
      name: 'top-level backend and API entries',
      resources: [service, backend('orders', { protocol: 'http', url: 'https://orders.contoso.com' }), api('orders', { serviceUrl: 'https://orders.contoso.com' })],
    },
  ],
  fail: [
    {
      name: 'StandardV2: same verdict as a classic tier',
      resources: [{ ...apimV2Service('StandardV2'), resources: [backend('legacy', { protocol: 'http', url: 'http://legacy.contoso.com' })] }],
      reason: "Backend 'legacy' forwards requests over plain HTTP to http://legacy.contoso.com.",
      evidence: [{ path: 'backends/legacy: properties.url', actual: 'http://legacy.contoso.com', expected: 'an https:// URL' }],
    },
    {
      name: 'backend URL http://',
      resources: [withChildren(backend('legacy', { protocol: 'http', url: 'http://legacy.contoso.com' }))],
      reason: "Backend 'legacy' forwards requests over plain HTTP to http://legacy.contoso.com.",
      evidence: [{ path: 'backends/legacy: properties.url', actual: 'http://legacy.contoso.com', expected: 'an https:// URL' }],
      failing: ['legacy'],
    },
    {
      name: 'API serviceUrl http:// in upper case',
      resources: [withChildren(api('orders', { serviceUrl: 'HTTP://orders.contoso.com/api' }))],
      reason: "API 'orders' forwards requests over plain HTTP",
      evidence: [{ path: 'apis/orders: properties.serviceUrl', actual: 'HTTP://orders.contoso.com/api' }],
    },
    {
      name: 'mixed backends and APIs: only the http ones fail',
      resources: [
        withChildren(
          backend('secure', { protocol: 'http', url: 'https://secure.contoso.com' }),
          backend('legacy', { protocol: 'http', url: 'http://legacy.contoso.com' }),
          backend('pool', { type: 'Pool', pool: { services: [] } }),
          api('orders', { serviceUrl: 'https://orders.contoso.com' }),
          api('echo', { serviceUrl: 'http://echoapi.cloudapp.net/api' }),
          api('blank', { serviceUrl: '' }),
        ),
      ],
      failing: ['legacy', 'echo'],
      evidence: [
        { path: 'backends/legacy: properties.url', actual: 'http://legacy.contoso.com' },
        { path: 'apis/echo: properties.serviceUrl', actual: 'http://echoapi.cloudapp.net/api' },
      ],
    },
  ],
  notApplicable: [
    {
      name: 'only entries without URLs',
      resources: [withChildren(api('graph', { path: 'graph' }), backend('pool', { type: 'Pool' }))],
      reason: "API 'graph' has no properties.serviceUrl",
    },
  ],
  notChecked: [
    { name: 'neither collection collected', resources: [service], reason: 'needs backends and APIs' },
    {
      name: 'APIs collected but backends not',
      resources: [service, api('orders', { serviceUrl: 'http://orders.contoso.com' })],
      reason: 'needs backends,',
    },
  ],
  error: [
    { name: 'backend with null properties', resources: [withChildren(backend('broken', null))], reason: 'properties is null' },
    { name: 'URL is not a string', resources: [withChildren(backend('odd', { url: 42 }))], reason: 'not a string' },
  ],
  fix: [
    {
      name: 'http backend: only the scheme changes, behind a confirmation that the host serves HTTPS',
      resources: [withChildren(backend('ledger', { protocol: 'http', url: 'http://ledger.contoso.com/api/v1' }))],
      summary: "Make backend 'ledger' of service 'apim-test' forward requests to https://ledger.contoso.com/api/v1 instead of http://ledger.contoso.com/api/v1.",
      request: { method: 'PATCH', path: '/backends/ledger', apiVersion: '2024-05-01', headers: undefined, body: { properties: { url: 'https://ledger.contoso.com/api/v1' } } },
      changes: [{ path: 'backends/ledger: properties.url', before: 'http://ledger.contoso.com/api/v1', after: 'https://ledger.contoso.com/api/v1' }],
      preconditions: [
        { description: 'The backend serves HTTPS at ledger.contoso.com', satisfied: false, detail: 'confirm it (for example with curl -v https://ledger.contoso.com/api/v1) before applying' },
        { description: "The ETag of backend 'ledger' was read", satisfied: false },
      ],
    },
    {
      name: 'API service URL with a port and upper-case scheme, ETag read',
      resources: [withChildren({ ...api('orders', { serviceUrl: ' HTTP://orders.contoso.com:8080/api ' }), etag: 'AAAAAAAAAAk=' })],
      request: { path: '/apis/orders', headers: { 'If-Match': '"AAAAAAAAAAk="' }, body: { properties: { serviceUrl: 'https://orders.contoso.com:8080/api' } } },
      changes: [{ path: 'apis/orders: properties.serviceUrl', before: ' HTTP://orders.contoso.com:8080/api ', after: 'https://orders.contoso.com:8080/api' }],
      preconditions: [{ description: 'The backend serves HTTPS at orders.contoso.com:8080', satisfied: false, detail: 'the URL names its port, and the request keeps it' }],
    },
  ],
});
