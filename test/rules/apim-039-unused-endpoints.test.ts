import rule from '../../src/rules/apim-039-unused-endpoints.js';
import { apimService, apimV2Service } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';
import { assessmentFixtures } from './child-fixtures.js';

const GUID = '4e8c00a2-e8bc-42a8-9e12-99584a51ad10';
const OTHER_GUID = '91af2040-7874-4659-abf0-578e1f8d07dc';
const service = apimService();
const { assessment, status } = assessmentFixtures(
  service,
  GUID,
  'API endpoints that are unused should be disabled and removed from the Azure API Management service',
);

const LEGACY = 'apis/orders-v1/operations/export';
const CURRENT = 'apis/orders/operations/get-order';

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2: same verdict as a classic tier', resources: [apimV2Service('BasicV2'), status(CURRENT, 'Healthy')], reason: 'has had traffic in the last 30 days according to Defender for APIs.' },
    { name: 'PremiumV2: same verdict as a classic tier', resources: [apimV2Service('PremiumV2'), status(CURRENT, 'Healthy')], reason: 'has had traffic in the last 30 days according to Defender for APIs.' },
    {
      name: 'Healthy assessment (traffic seen)',
      resources: [service, status(CURRENT, 'Healthy')],
      reason: "Operation 'get-order' of API 'orders' has had traffic in the last 30 days according to Defender for APIs.",
    },
    { name: 'Healthy next to NotApplicable', resources: [service, status(CURRENT, 'Healthy'), status(LEGACY, 'NotApplicable')], reason: 'has had traffic in the last 30 days' },
    { name: 'status code in upper case "HEALTHY"', resources: [service, status(CURRENT, 'HEALTHY')] },
  ],
  fail: [
    {
      name: 'StandardV2: same verdict as a classic tier',
      resources: [apimV2Service('StandardV2'), status(LEGACY, 'Unhealthy')],
      reason: 'has had no traffic in 30 days according to Defender for APIs',
      evidence: [{ path: `${LEGACY}/providers/Microsoft.Security/assessments/${GUID}: properties.status.code`, actual: 'Unhealthy', expected: 'Healthy' }],
    },
    {
      name: 'Unhealthy assessment: no traffic in 30 days',
      resources: [service, status(LEGACY, 'Unhealthy')],
      reason: "Operation 'export' of API 'orders-v1' has had no traffic in 30 days according to Defender for APIs; disable and remove it if it is unused.",
      evidence: [{ path: `${LEGACY}/providers/Microsoft.Security/assessments/${GUID}: properties.status.code`, actual: 'Unhealthy', expected: 'Healthy' }],
    },
    {
      name: 'API-level resource id without an operation',
      resources: [service, assessment('apis/orders-v1', { status: { code: 'Unhealthy' } })],
      reason: "API 'orders-v1' has had no traffic in 30 days",
      evidence: [{ path: `apis/orders-v1/providers/Microsoft.Security/assessments/${GUID}: properties.status.code` }],
    },
    {
      name: 'mixed operations: only the unused one fails, the authentication assessment is ignored',
      resources: [service, status(CURRENT, 'Healthy'), status(LEGACY, 'Unhealthy'), assessment(CURRENT, { status: { code: 'Unhealthy' } }, OTHER_GUID)],
      failing: [`${LEGACY}/providers/Microsoft.Security/assessments/${GUID}`],
      evidence: [{ path: `${LEGACY}/providers/Microsoft.Security/assessments/${GUID}: properties.status.code`, actual: 'Unhealthy' }],
    },
  ],
  notApplicable: [
    {
      name: 'NotApplicable assessment is not judged',
      resources: [service, status(CURRENT, 'NotApplicable')],
      reason: "Operation 'get-order' of API 'orders': Defender for Cloud did not assess it, so it is not judged (properties.status.code is NotApplicable).",
    },
    {
      name: 'only the authentication assessment is present',
      resources: [service, assessment(CURRENT, { status: { code: 'Healthy' } }, OTHER_GUID)],
      reason: `no Defender for APIs assessment of unused endpoints (${GUID})`,
    },
  ],
  notChecked: [
    { name: 'assessments not collected', resources: [service], reason: 'needs Defender for Cloud assessments' },
  ],
  error: [
    { name: 'assessment with null properties', resources: [service, assessment(LEGACY, null)], reason: 'cannot be judged: properties is null' },
    { name: 'status block missing', resources: [service, assessment(LEGACY, { displayName: 'unused' })], reason: 'properties.status.code is absent' },
  ],
});
