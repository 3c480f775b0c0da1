import { describe, expect, it } from 'vitest';
import type { ApimService } from '../../../src/estate/model.js';
import { normalizeEstate } from '../../../src/estate/normalize.js';
import { injectionMode, virtualNetworkMode } from '../../../src/rules/shared/network.js';
import { isV2Tier, notOnV2Tiers, v2Tier } from '../../../src/rules/shared/sku.js';
import { evidenceOf, reasonOf } from '../../../src/rules/define-rule.js';
import { apimService } from '../../support/fixtures.js';

function onTier(name: string, properties: Record<string, unknown> = {}): ApimService {
  const [service] = normalizeEstate([apimService({ sku: { name, capacity: 1 }, zones: null, properties })]).services;
  if (service === undefined) throw new Error('fixture has no service');
  return service;
}

describe('v2 tiers', () => {
  it('names the v2 tier in its canonical spelling, whatever the casing', () => {
    expect(v2Tier(onTier('basicv2'))).toBe('BasicV2');
    expect(v2Tier(onTier('STANDARDV2'))).toBe('StandardV2');
    expect(v2Tier(onTier('PremiumV2'))).toBe('PremiumV2');
  });
  it('does not take the classic tiers or Consumption for v2', () => {
    for (const tier of ['Developer', 'Basic', 'Standard', 'Premium', 'Consumption', 'Isolated']) {
      expect(isV2Tier(onTier(tier)), tier).toBe(false);
      expect(notOnV2Tiers(onTier(tier), 'no such feature'), tier).toBeUndefined();
    }
  });
  it('says why a rule is not applicable on a v2 tier', () => {
    const verdict = notOnV2Tiers(onTier('premiumv2'), 'the v2 tiers have no multi-region deployment');
    expect(verdict?.outcome).toBe('notApplicable');
    expect(verdict && reasonOf(verdict)).toBe("Service 'apim-test' is on the PremiumV2 tier; the v2 tiers have no multi-region deployment.");
    expect(verdict && evidenceOf(verdict)).toEqual([]);
  });
});

describe('virtualNetworkMode', () => {
  const cases: [tier: string, type: unknown, kind: string][] = [
    ['Developer', 'External', 'injection'],
    ['Premium', 'internal', 'injection'],
    ['Premium', 'None', 'none'],
    ['Premium', undefined, 'none'],
    ['Premium', 'Hybrid', 'none'],
    ['BasicV2', 'External', 'unsupported'],
    ['BasicV2', 'Internal', 'unsupported'],
    ['StandardV2', 'External', 'integration'],
    ['StandardV2', 'Internal', 'unsupported'],
    ['StandardV2', 'None', 'none'],
    ['PremiumV2', 'External', 'integration'],
    ['premiumv2', ' Internal ', 'injection'],
  ];
  for (const [tier, type, kind] of cases) {
    it(`${tier} with virtualNetworkType ${JSON.stringify(type)} is ${kind}`, () => {
      const service = onTier(tier, { virtualNetworkType: type });
      expect(virtualNetworkMode(service).kind).toBe(kind);
      expect(injectionMode(service) !== undefined).toBe(kind === 'injection');
    });
  }
});
