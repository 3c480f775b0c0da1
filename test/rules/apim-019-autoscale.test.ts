import { describe, expect, it } from 'vitest';
import { evaluateRule } from '../../src/engine/evaluate.js';
import { normalizeEstate } from '../../src/estate/normalize.js';
import rule from '../../src/rules/apim-019-autoscale.js';
import { apimService, apimV2Service, type Raw, RESOURCE_GROUP, serviceId, SUBSCRIPTION } from '../support/fixtures.js';
import { ruleTester, TEST_NOW } from '../support/rule-tester.js';

function service(tier = 'Standard') {
  return apimService({ sku: { name: tier, capacity: 1 }, zones: null });
}

/** A microsoft.insights/autoscalesettings resource; `enabled: 'absent'` leaves the flag out. */
function autoscale(name: string, enabled: unknown, properties: Raw | null = {}): Raw {
  const body: Raw | null =
    properties === null
      ? null
      : {
          ...(enabled === 'absent' ? {} : { enabled }),
          targetResourceUri: serviceId('apim-test'),
          profiles: [{ name: 'default', capacity: { minimum: '1', maximum: '4', default: '1' }, rules: [] }],
          ...properties,
        };
  return {
    id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/microsoft.insights/autoscalesettings/${name}`,
    name,
    type: 'microsoft.insights/autoscalesettings',
    location: 'westeurope',
    properties: body,
  };
}

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2 with an enabled setting', resources: [apimV2Service('BasicV2'), autoscale('scale-apim', true)], reason: "Service 'apim-test' is autoscaled by 'scale-apim'." },
    { name: 'PremiumV2 (lower case) with an enabled setting', resources: [service('premiumv2'), autoscale('scale-apim', 'absent')], reason: "is autoscaled by 'scale-apim'." },
    {
      name: 'one enabled setting targets the service',
      resources: [service(), autoscale('scale-apim', true)],
      reason: "Service 'apim-test' is autoscaled by 'scale-apim'.",
    },
    { name: 'enabled absent counts as enabled (Azure default)', resources: [service(), autoscale('scale-apim', 'absent')] },
    { name: 'enabled as the string "True"', resources: [service(), autoscale('scale-apim', 'True')] },
    { name: 'one disabled and one enabled setting', resources: [service(), autoscale('old', false), autoscale('current', true)], reason: "'current'" },
    { name: 'Premium tier', resources: [service('Premium'), autoscale('scale-apim', true)] },
    { name: 'Basic tier in lower case ("basic")', resources: [service('basic'), autoscale('scale-apim', true)] },
    {
      name: 'setting linked by a target id in other casing',
      resources: [service(), autoscale('scale-apim', true, { targetResourceUri: serviceId('apim-test').toUpperCase() })],
    },
  ],
  fail: [
    {
      name: 'StandardV2 with a disabled setting',
      resources: [apimV2Service('StandardV2'), autoscale('scale-apim', false)],
      reason: "Every autoscale setting of service 'apim-test' is disabled ('scale-apim')",
      evidence: [{ path: "autoscaleSettings['scale-apim'].properties.enabled", actual: false, expected: true }],
    },
    {
      name: 'PremiumV2 whose only setting is disabled',
      resources: [apimV2Service('PremiumV2'), autoscale('scale-v2', 'False')],
      reason: "Every autoscale setting of service 'apim-test' is disabled ('scale-v2')",
      evidence: [{ path: "autoscaleSettings['scale-v2'].properties.enabled", actual: 'False' }],
    },
    {
      name: 'the only setting is disabled',
      resources: [service(), autoscale('scale-apim', false)],
      reason: "Every autoscale setting of service 'apim-test' is disabled ('scale-apim'), so its unit count only changes by hand.",
      evidence: [{ path: "autoscaleSettings['scale-apim'].properties.enabled", actual: false, expected: true }],
    },
    {
      name: 'disabled with the string "false"',
      resources: [service(), autoscale('scale-apim', 'false')],
      evidence: [{ path: "autoscaleSettings['scale-apim'].properties.enabled", actual: 'false' }],
    },
    {
      name: 'two disabled settings, both are evidence',
      resources: [service('Premium'), autoscale('weekday', false), autoscale('weekend', 'FALSE')],
      reason: "('weekday', 'weekend')",
      evidence: [{ path: "autoscaleSettings['weekday'].properties.enabled" }, { path: "autoscaleSettings['weekend'].properties.enabled", actual: 'FALSE' }],
    },
  ],
  notApplicable: [
    {
      name: 'Developer tier',
      resources: [service('Developer'), autoscale('scale-apim', true)],
      reason: "Service 'apim-test' is on the Developer tier; autoscale applies to the Basic, Standard and Premium tiers (classic and v2) only.",
    },
    { name: 'Consumption tier', resources: [service('Consumption')], reason: 'Consumption tier' },
  ],
  notChecked: [
    {
      name: 'autoscale settings not collected',
      resources: [service()],
      reason: 'This rule needs autoscale settings, which are not in the estate (they are read from ARM by a deep audit).',
    },
  ],
  error: [
    { name: 'service with null properties', resources: [{ ...service(), properties: null }], reason: 'properties is null' },
    {
      name: 'the only setting has null properties (nested in the service entry)',
      resources: [{ ...service(), resources: [autoscale('scale-apim', true, null)] }],
      reason: "Autoscale setting 'scale-apim' of service 'apim-test' cannot be judged: properties is null.",
    },
    {
      name: 'an enabled setting and one with null properties: the error still shows',
      resources: [{ ...service(), resources: [autoscale('scale-apim', true), autoscale('broken', true, null)] }],
      reason: "Autoscale setting 'broken'",
    },
  ],
});

// normalizeEstate cannot express "autoscale settings collected, none found", so this case builds the model directly.
describe('APIM-019 with an empty autoscale collection', () => {
  it('fails: no setting targets the service', () => {
    const [parsed] = normalizeEstate([service()]).services;
    if (parsed === undefined) throw new Error('fixture has no service');
    const results = evaluateRule(rule, { ...parsed, children: { autoscaleSettings: [] } }, { now: TEST_NOW, options: {} });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      outcome: 'fail',
      reason: "No autoscale setting targets service 'apim-test', so its unit count only changes by hand.",
      evidence: [{ path: 'autoscaleSettings', actual: [], expected: `an enabled setting with properties.targetResourceUri = ${serviceId('apim-test')}` }],
      fix: { kind: 'manual' },
    });
  });
});
