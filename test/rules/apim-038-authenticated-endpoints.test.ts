import rule from '../../src/rules/apim-038-authenticated-endpoints.js';
import { apimService, apimV2Service } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';
import { assessmentFixtures } from './child-fixtures.js';

const GUID = '91af2040-7874-4659-abf0-578e1f8d07dc';
const OTHER_GUID = '4e8c00a2-e8bc-42a8-9e12-99584a51ad10';
const service = apimService();
const serviceId = String(service['id']);
const { assessment, status } = assessmentFixtures(service, GUID, 'API endpoints in Azure API Management should be authenticated');

const ORDERS_GET = 'apis/orders/operations/get-order';
const ORDERS_LIST = 'apis/orders/operations/list-orders';

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2: same verdict as a classic tier', resources: [apimV2Service('BasicV2'), status(ORDERS_GET, 'Healthy')], reason: 'is authenticated according to Defender for APIs.' },
    { name: 'PremiumV2: same verdict as a classic tier', resources: [apimV2Service('PremiumV2'), status(ORDERS_GET, 'Healthy')], reason: 'is authenticated according to Defender for APIs.' },
    {
      name: 'Healthy assessment',
      resources: [service, status(ORDERS_GET, 'Healthy')],
      reason: "Operation 'get-order' of API 'orders' is authenticated according to Defender for APIs.",
    },
    {
      name: 'Healthy next to NotApplicable: the healthy operation passes, the other is not judged',
      resources: [service, status(ORDERS_GET, 'Healthy'), status(ORDERS_LIST, 'NotApplicable')],
      reason: "Operation 'get-order' of API 'orders' is authenticated according to Defender for APIs.",
    },
    {
      name: 'ARM list shape (resourceDetails.id, lower-case keys) names the operation',
      resources: [service, assessment(ORDERS_GET, { resourceDetails: { source: 'Azure', id: `${serviceId}/${ORDERS_GET}` }, displayName: 'x', status: { code: 'Healthy' } })],
      reason: "Operation 'get-order' of API 'orders' is authenticated",
    },
    {
      name: 'resourceDetails naming an API collection names the API',
      resources: [service, assessment(ORDERS_GET, { resourceDetails: { source: 'Azure', id: `${serviceId}/providers/Microsoft.Security/apiCollections/orders` }, status: { code: 'Healthy' } })],
      reason: "API 'orders' is authenticated",
    },
    { name: 'status code in lower case "healthy"', resources: [service, status(ORDERS_GET, 'healthy')] },
    {
      name: 'assessment name in upper case, operation read from the id',
      resources: [service, assessment(ORDERS_GET, { status: { code: 'Healthy' } }, GUID.toUpperCase())],
      reason: "Operation 'get-order' of API 'orders'",
    },
  ],
  fail: [
    {
      name: 'StandardV2: same verdict as a classic tier',
      resources: [apimV2Service('StandardV2'), status(ORDERS_GET, 'Unhealthy', { cause: 'UnauthenticatedTraffic' })],
      reason: 'can be called without authentication according to Defender for APIs.',
      evidence: [{ path: `${ORDERS_GET}/providers/Microsoft.Security/assessments/${GUID}: properties.status.code`, actual: 'Unhealthy', expected: 'Healthy' }],
    },
    {
      name: 'Unhealthy assessment names the operation',
      resources: [service, status(ORDERS_GET, 'Unhealthy', { cause: 'UnauthenticatedTraffic' })],
      reason: "Operation 'get-order' of API 'orders' can be called without authentication according to Defender for APIs.",
      evidence: [
        {
          path: `${ORDERS_GET}/providers/Microsoft.Security/assessments/${GUID}: properties.status.code`,
          actual: 'Unhealthy',
          expected: 'Healthy',
          note: 'cause: UnauthenticatedTraffic',
        },
      ],
    },
    {
      name: 'ARM casing: resourceDetails.id names the operation, status "UNHEALTHY"',
      resources: [
        service,
        assessment('apis/x/operations/y', { resourceDetails: { source: 'Azure', id: `${serviceId}/apis/payments/operations/refund` }, status: { code: 'UNHEALTHY' } }),
      ],
      reason: "Operation 'refund' of API 'payments'",
      evidence: [{ path: `apis/x/operations/y/providers/Microsoft.Security/assessments/${GUID}: properties.status.code`, actual: 'UNHEALTHY' }],
    },
    {
      name: 'mixed operations: only the unhealthy one fails, other assessments ignored',
      resources: [
        service,
        status(ORDERS_GET, 'Healthy'),
        status(ORDERS_LIST, 'Unhealthy'),
        assessment(ORDERS_GET, { status: { code: 'Unhealthy' } }, OTHER_GUID),
      ],
      failing: [`${ORDERS_LIST}/providers/Microsoft.Security/assessments/${GUID}`],
      evidence: [{ path: `${ORDERS_LIST}/providers/Microsoft.Security/assessments/${GUID}: properties.status.code`, actual: 'Unhealthy' }],
    },
  ],
  notApplicable: [
    {
      name: 'NotApplicable assessment (not assessed is not a pass)',
      resources: [service, status(ORDERS_GET, 'NotApplicable', { cause: 'NoTraffic' })],
      reason: "Operation 'get-order' of API 'orders': Defender for Cloud did not assess it (cause: NoTraffic), so it is not judged (properties.status.code is NotApplicable).",
    },
    {
      name: 'only other assessments (Defender for APIs has not assessed authentication)',
      resources: [service, assessment(ORDERS_GET, { status: { code: 'Unhealthy' } }, OTHER_GUID)],
      reason: 'this check requires Defender for APIs',
    },
  ],
  notChecked: [
    { name: 'assessments not collected', resources: [service], reason: 'needs Defender for Cloud assessments' },
  ],
  error: [
    { name: 'assessment with null properties', resources: [service, assessment(ORDERS_GET, null)], reason: 'cannot be judged: properties is null' },
    {
      name: 'assessment without a status code',
      resources: [service, assessment(ORDERS_GET, { status: {} })],
      reason: "Operation 'get-order' of API 'orders': the Defender for Cloud assessment status cannot be read (properties.status.code is absent).",
    },
    { name: 'unknown status code', resources: [service, status(ORDERS_GET, 'Pending')], reason: "properties.status.code is 'Pending'" },
  ],
});
