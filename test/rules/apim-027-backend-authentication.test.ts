import rule from '../../src/rules/apim-027-backend-authentication.js';
import { apimService, apimV2Service, childOf, type Raw } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const service = apimService();
const CERT_ID = `${String(service['id'])}/certificates/orders-client`;

function backend(name: string, properties: Raw | null): Raw {
  return childOf(service, `backends/${name}`, 'Microsoft.ApiManagement/service/backends', properties);
}

function httpBackend(name: string, credentials?: unknown): Raw {
  return backend(name, { protocol: 'http', url: `https://${name}.contoso.com`, ...(credentials === undefined ? {} : { credentials }) });
}

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2: same verdict as a classic tier', resources: [apimV2Service('BasicV2'), httpBackend('orders', { certificateIds: [CERT_ID], header: {}, query: {} })], reason: "Backend 'orders' authenticates to its backend with a client certificate." },
    { name: 'PremiumV2: same verdict as a classic tier', resources: [apimV2Service('PremiumV2'), httpBackend('orders', { certificateIds: [CERT_ID], header: {}, query: {} })], reason: "Backend 'orders' authenticates to its backend with a client certificate." },
    {
      name: 'client certificate by id',
      resources: [service, httpBackend('orders', { certificateIds: [CERT_ID], header: {}, query: {} })],
      reason: "Backend 'orders' authenticates to its backend with a client certificate.",
    },
    { name: 'client certificate by thumbprint list', resources: [service, httpBackend('orders', { certificate: ['A1B2C3'] })] },
    {
      name: 'authorization header scheme',
      resources: [service, httpBackend('orders', { authorization: { scheme: 'Bearer', parameter: '{{token}}' } })],
      reason: 'an authorization header',
    },
    { name: 'header credential', resources: [service, httpBackend('orders', { header: { 'x-api-key': ['{{orders-key}}'] } })], reason: 'header credentials' },
    { name: 'query credential', resources: [service, httpBackend('orders', { query: { code: ['{{fn-key}}'] } })], reason: 'query credentials' },
    {
      name: 'managed identity credential (azure-policy#1539)',
      resources: [service, httpBackend('orders', { managedIdentity: { clientId: null, resource: 'api://orders' } })],
      reason: 'a managed identity',
    },
    { name: 'protocol in upper case "HTTP" with credentials', resources: [service, backend('orders', { protocol: 'HTTP', url: 'https://orders.contoso.com', credentials: { certificateIds: [CERT_ID] } })] },
    { name: 'service collected with no backends', resources: [{ ...service, resources: [] }], reason: 'no backends' },
  ],
  fail: [
    {
      name: 'StandardV2: same verdict as a classic tier',
      resources: [apimV2Service('StandardV2'), httpBackend('orders')],
      reason: "Backend 'orders' calls https://orders.contoso.com without credentials.",
      evidence: [{ path: 'backends/orders: properties.credentials', actual: undefined, note: 'absent' }],
    },
    {
      name: 'credentials absent',
      resources: [service, httpBackend('orders')],
      reason: "Backend 'orders' calls https://orders.contoso.com without credentials.",
      evidence: [{ path: 'backends/orders: properties.credentials', actual: undefined, note: 'absent' }],
    },
    {
      name: 'credentials with only empty lists and maps (as ARM returns them)',
      resources: [service, httpBackend('orders', { certificateIds: [], certificate: [], header: {}, query: {} })],
      evidence: [{ path: 'backends/orders: properties.credentials', actual: { certificateIds: [], certificate: [], header: {}, query: {} } }],
    },
    {
      name: 'authorization without a scheme',
      resources: [service, httpBackend('orders', { authorization: { scheme: '', parameter: 'x' } })],
      evidence: [{ path: 'backends/orders: properties.credentials', actual: { authorization: { scheme: '', parameter: '[redacted]' } } }],
    },
    {
      name: 'mixed backends: only unauthenticated HTTP backends fail',
      resources: [
        service,
        httpBackend('secure', { certificateIds: [CERT_ID] }),
        httpBackend('open'),
        backend('soap', { protocol: 'soap', url: 'https://soap.contoso.com' }),
        backend('sf', { protocol: 'http', url: 'fabric:/app/svc', properties: { serviceFabricCluster: { managementEndpoints: ['https://sf:19080'] } } }),
        backend('pool', { protocol: 'http', type: 'Pool' }),
        httpBackend('null-creds', null),
      ],
      failing: ['open', 'null-creds'],
      evidence: [
        { path: 'backends/open: properties.credentials', actual: undefined },
        { path: 'backends/null-creds: properties.credentials', actual: undefined },
      ],
    },
  ],
  notApplicable: [
    {
      name: 'Service Fabric backend',
      resources: [service, backend('sf', { protocol: 'http', url: 'fabric:/app/svc', properties: { serviceFabricCluster: { clientCertificateId: CERT_ID } } })],
      reason: 'Service Fabric backend',
    },
    { name: 'SOAP protocol backend', resources: [service, backend('soap', { protocol: 'soap', url: 'https://soap.contoso.com' })], reason: 'uses the soap protocol' },
    { name: 'backend without protocol', resources: [service, backend('odd', { url: 'https://odd.contoso.com' })], reason: 'does not report properties.protocol' },
    { name: 'load-balanced pool without url', resources: [service, backend('pool', { protocol: 'http', type: 'Pool', pool: { services: [] } })], reason: 'has no properties.url' },
  ],
  notChecked: [
    { name: 'backends not collected', resources: [service], reason: 'needs backends' },
  ],
  error: [{ name: 'backend with null properties', resources: [service, backend('broken', null)], reason: 'properties is null' }],
});
