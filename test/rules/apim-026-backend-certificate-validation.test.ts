import rule from '../../src/rules/apim-026-backend-certificate-validation.js';
import { apimService, apimV2Service, childOf, type Raw } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const service = apimService();
const CHAIN = 'properties.tls.validateCertificateChain';
const NAME = 'properties.tls.validateCertificateName';

function backend(name: string, properties: Raw | null): Raw {
  return childOf(service, `backends/${name}`, 'Microsoft.ApiManagement/service/backends', properties);
}

function withTls(name: string, tls: unknown): Raw {
  return backend(name, { protocol: 'http', url: `https://${name}.contoso.com`, tls });
}

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2: same verdict as a classic tier', resources: [apimV2Service('BasicV2'), withTls('orders', { validateCertificateChain: true, validateCertificateName: true })], reason: "Backend 'orders' validates the chain and the name of the backend's TLS certificate." },
    { name: 'PremiumV2: same verdict as a classic tier', resources: [apimV2Service('PremiumV2'), withTls('orders', { validateCertificateChain: true, validateCertificateName: true })], reason: "Backend 'orders' validates the chain and the name of the backend's TLS certificate." },
    {
      name: 'both switches true',
      resources: [service, withTls('orders', { validateCertificateChain: true, validateCertificateName: true })],
      reason: "Backend 'orders' validates the chain and the name of the backend's TLS certificate.",
    },
    { name: 'tls object absent (platform default true)', resources: [service, backend('orders', { protocol: 'http', url: 'https://orders.contoso.com' })] },
    { name: 'tls null', resources: [service, withTls('orders', null)] },
    { name: 'one switch absent, the other true', resources: [service, withTls('orders', { validateCertificateChain: true })] },
    { name: 'string "True" values', resources: [service, withTls('orders', { validateCertificateChain: 'True', validateCertificateName: 'TRUE' })] },
    { name: 'service collected with no backends', resources: [{ ...service, resources: [] }], reason: 'no backends' },
  ],
  fail: [
    {
      name: 'StandardV2: same verdict as a classic tier',
      resources: [apimV2Service('StandardV2'), withTls('orders', { validateCertificateChain: false, validateCertificateName: true })],
      reason: "Backend 'orders' does not validate the chain of the backend's TLS certificate.",
      evidence: [{ path: `backends/orders: ${CHAIN}`, actual: false, expected: true }],
    },
    {
      name: 'chain validation off',
      resources: [service, withTls('orders', { validateCertificateChain: false, validateCertificateName: true })],
      reason: "Backend 'orders' does not validate the chain of the backend's TLS certificate.",
      evidence: [{ path: `backends/orders: ${CHAIN}`, actual: false, expected: true }],
    },
    {
      name: 'name validation off, chain absent',
      resources: [service, withTls('orders', { validateCertificateName: false })],
      reason: 'does not validate the name',
      evidence: [{ path: `backends/orders: ${NAME}`, actual: false, expected: true }],
    },
    {
      name: 'both off as strings in mixed case',
      resources: [service, withTls('orders', { validateCertificateChain: 'False', validateCertificateName: 'fALSE' })],
      reason: 'does not validate the chain or the name',
      evidence: [
        { path: `backends/orders: ${CHAIN}`, actual: 'False', expected: true },
        { path: `backends/orders: ${NAME}`, actual: 'fALSE', expected: true },
      ],
    },
    {
      name: 'mixed backends: only the bypassing ones fail',
      resources: [
        service,
        withTls('secure', { validateCertificateChain: true, validateCertificateName: true }),
        withTls('default', undefined),
        withTls('selfsigned', { validateCertificateChain: false }),
        withTls('wrongname', { validateCertificateName: false }),
      ],
      failing: ['selfsigned', 'wrongname'],
      evidence: [
        { path: `backends/selfsigned: ${CHAIN}`, actual: false },
        { path: `backends/wrongname: ${NAME}`, actual: false },
      ],
    },
  ],
  notApplicable: [],
  notChecked: [
    { name: 'backends not collected', resources: [service], reason: 'needs backends' },
  ],
  error: [{ name: 'backend with null properties', resources: [service, backend('broken', null)], reason: 'properties is null' }],
  fix: [
    {
      name: 'chain validation off: the whole tls object is sent with both switches true',
      resources: [service, withTls('orders', { validateCertificateChain: false, validateCertificateName: true })],
      summary: "Make backend 'orders' of service 'apim-test' validate the chain and the name of the backend's TLS certificate.",
      request: {
        method: 'PATCH',
        path: '/backends/orders',
        apiVersion: '2024-05-01',
        body: { properties: { tls: { validateCertificateChain: true, validateCertificateName: true } } },
      },
      changes: [{ path: `backends/orders: ${CHAIN}`, before: false, after: true }],
      preconditions: [],
    },
    {
      name: 'name off, chain absent: both are set',
      resources: [service, withTls('legacy', { validateCertificateName: 'False' })],
      request: { body: { properties: { tls: { validateCertificateChain: true, validateCertificateName: true } } } },
      changes: [
        { path: `backends/legacy: ${CHAIN}`, before: undefined, after: true },
        { path: `backends/legacy: ${NAME}`, before: 'False', after: true },
      ],
    },
  ],
});
