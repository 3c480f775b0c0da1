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
    ? notApplicable(`Service '${service.name}' is on the Consumption tier, which has no protocol or cipher settings (customProperties are not supported).`)
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
    return notApplicable(`Service '${service.name}' does not report its tier (sku.name); only the Premium tier supports ${feature}.`);
  }
  return notApplicable(`Service '${service.name}' is on the ${tier} tier; only the Premium tier supports ${feature}.`);
}

/** The v2 tiers (Learn "API Management v2 tiers"); compared case-insensitively with `sku.name`. */
export const V2_TIERS: readonly string[] = ['BasicV2', 'StandardV2', 'PremiumV2'];

export function isV2Tier(service: ApimService): boolean {
  return V2_TIERS.some((tier) => equalsIgnoreCase(service.sku.name, tier));
}
