import rule from '../../src/rules/apim-027-backend-authentication.js';
import { apimService, apimV2Service, childOf, type Raw } from '../support/fixtures.js';
import { describe, expect, it } from 'vitest';
import { runCase, ruleTester } from '../support/rule-tester.js';

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
    { name: 'BasicV2: same verdict as a classic tier', resources: [apimV2Service('BasicV2'), httpBackend('orders', { certificateIds: [CERT_ID], header: {}, query: {} })], reason: "Backend 'orders' authenticates to its backend with client certificate (certificateIds[])." },
    { name: 'PremiumV2: same verdict as a classic tier', resources: [apimV2Service('PremiumV2'), httpBackend('orders', { certificateIds: [CERT_ID], header: {}, query: {} })], reason: "Backend 'orders' authenticates to its backend with client certificate (certificateIds[])." },
    {
      name: 'client certificate by id',
      resources: [service, httpBackend('orders', { certificateIds: [CERT_ID], header: {}, query: {} })],
      reason: "Backend 'orders' authenticates to its backend with client certificate (certificateIds[]).",
    },
    { name: 'client certificate by thumbprint list', resources: [service, httpBackend('orders', { certificate: ['A1B2C3'] })] },
    {
      name: 'authorization header scheme',
      resources: [service, httpBackend('orders', { authorization: { scheme: 'Bearer', parameter: '{{token}}' } })],
      reason: 'with authorization scheme Bearer.',
    },
    {
      name: 'evidence names credential kinds, never values',
      resources: [service, httpBackend('orders', { authorization: { scheme: 'Basic', parameter: 'c2VjcmV0' }, header: { 'x-api-key': ['s3cr3t'], 'x-empty': [] } })],
      reason: "Backend 'orders' authenticates to its backend with authorization scheme Basic, header x-api-key.",
    },
    { name: 'header credential', resources: [service, httpBackend('orders', { header: { 'x-api-key': ['{{orders-key}}'] } })], reason: 'header x-api-key' },
    { name: 'query credential', resources: [service, httpBackend('orders', { query: { code: ['{{fn-key}}'] } })], reason: 'query parameter code' },
    {
      name: 'managed identity credential (azure-policy#1539)',
      resources: [service, httpBackend('orders', { managedIdentity: { clientId: null, resource: 'api://orders' } })],
      reason: 'managed identity',
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
      evidence: [{ path: 'backends/orders: properties.credentials', actual: [], note: 'no credential of any kind' }],
    },
    {
      name: 'authorization parameter without a scheme',
      resources: [service, httpBackend('orders', { authorization: { scheme: '', parameter: 'x' } })],
      reason: 'authorization parameter without a scheme sends nothing',
      evidence: [{ path: 'backends/orders: properties.credentials', actual: ['authorization parameter without a scheme'] }],
    },
    {
      name: 'authorization scheme without a parameter (Azure Policy c15dcc82)',
      resources: [service, httpBackend('orders', { authorization: { scheme: 'Basic' } })],
      reason: "Backend 'orders' calls https://orders.contoso.com without credentials: authorization scheme Basic without a parameter sends nothing.",
      evidence: [{ path: 'backends/orders: properties.credentials', actual: ['authorization scheme Basic without a parameter'] }],
    },
    {
      name: 'authorization scheme with a blank parameter',
      resources: [service, httpBackend('orders', { authorization: { scheme: 'Bearer', parameter: '  ' } })],
      evidence: [{ path: 'backends/orders: properties.credentials', actual: ['authorization scheme Bearer without a parameter'] }],
    },
    {
      name: 'header and query entries with empty value lists',
      resources: [service, httpBackend('orders', { header: { 'x-api-key': [] }, query: { code: [''] } })],
      evidence: [
        {
          path: 'backends/orders: properties.credentials',
          actual: ['header x-api-key without a value', 'query parameter code without a value'],
          expected: 'a client certificate (certificate[] or certificateIds[]), an authorization scheme with a parameter, a header or query credential with a value, or a managed identity',
        },
      ],
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

describe('APIM-027 evidence', () => {
  it.each([
    ['pass', { authorization: { scheme: 'Basic', parameter: 'c2VjcmV0' }, header: { 'x-api-key': ['s3cr3t'] }, query: { code: ['fnk3y'] } }],
    ['fail', { authorization: { scheme: 'Basic', parameter: '' }, header: { 'x-api-key': [] }, query: { sig: [''] }, certificate: [] }],
  ])('records credential kinds, never values (%s)', (outcome, credentials) => {
    const results = runCase(rule, { name: 'secrets', resources: [service, httpBackend('orders', credentials)] });
    const backendResult = results.find((result) => result.resourceId.endsWith('/backends/orders'));
    expect(backendResult?.outcome).toBe(outcome);
    const shown = JSON.stringify([backendResult?.evidence, backendResult?.reason]);
    for (const secret of ['c2VjcmV0', 's3cr3t', 'fnk3y']) expect(shown).not.toContain(secret);
    expect(shown).toContain('authorization scheme Basic');
  });
});
