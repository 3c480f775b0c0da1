import type { ApimService } from '../../estate/model.js';
import { notApplicable } from '../define-rule.js';
import type { Verdict } from '../types.js';
import { equalsIgnoreCase } from './values.js';

export function isConsumption(service: ApimService): boolean {
  return equalsIgnoreCase(service.sku.name, 'Consumption');
}

export function isPremium(service: ApimService): boolean {
  return equalsIgnoreCase(service.sku.name, 'Premium');
}

export function isDeveloper(service: ApimService): boolean {
  return equalsIgnoreCase(service.sku.name, 'Developer');
}

/**
 * Consumption services reject `customProperties` ("customProperties are not supported in SkuType
 * Consumption"), so protocol and cipher rules cannot apply to them.
 */
export function consumptionHasNoCustomProperties(service: ApimService): Verdict | undefined {
  return isConsumption(service)
    ? notApplicable(() => `Service '${service.name}' is on the Consumption tier, which has no protocol or cipher settings (customProperties are not supported).`)
    : undefined;
}

/**
 * Reliability rules (zones, regions, gateways) run only for Premium, and say so otherwise. `feature`
 * completes "only the Premium tier supports …", e.g. `zone redundancy`.
 */
export function premiumOnly(service: ApimService, feature: string): Verdict | undefined {
  if (isPremium(service)) return undefined;
  const tier = service.sku.name;
  if (tier === undefined || tier.trim() === '') {
    return notApplicable(() => `Service '${service.name}' does not report its tier (sku.name); only the Premium tier supports ${feature}.`);
  }
  return notApplicable(() => `Service '${service.name}' is on the ${tier} tier; only the Premium tier supports ${feature}.`);
}

/** The v2 tiers, spelt as ARM reports them in `sku.name`. */
export const V2_TIERS = ['BasicV2', 'StandardV2', 'PremiumV2'] as const;
export type V2Tier = (typeof V2_TIERS)[number];

/** The v2 tier of the service (canonical spelling), or `undefined` for the classic tiers and Consumption. */
export function v2Tier(service: ApimService): V2Tier | undefined {
  return V2_TIERS.find((tier) => equalsIgnoreCase(service.sku.name, tier));
}

/** BasicV2, StandardV2 or PremiumV2 (any casing): the v2 platform, with its own feature set (docs/v2-tiers.md). */
export function isV2Tier(service: ApimService): boolean {
  return v2Tier(service) !== undefined;
}

/**
 * Not applicable on every v2 tier, because the feature the rule checks belongs to the classic tiers.
 * `why` completes "Service 'x' is on the StandardV2 tier; …", e.g. "the v2 tiers have no multi-region
 * deployment".
 */
export function notOnV2Tiers(service: ApimService, why: string): Verdict | undefined {
  const tier = v2Tier(service);
  return tier === undefined ? undefined : notApplicable(() => `Service '${service.name}' is on the ${tier} tier; ${why}.`);
}
