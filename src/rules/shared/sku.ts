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
    ? notApplicable('Consumption tier has no protocol or cipher settings (customProperties are not supported)')
    : undefined;
}

/** Reliability rules (zones, regions, gateways) run only for Premium, and say so otherwise. */
export function premiumOnly(service: ApimService, what: string): Verdict | undefined {
  return isPremium(service)
    ? undefined
    : notApplicable(`${what} needs the Premium tier; this service is ${service.sku.name ?? 'of unknown tier'}`);
}
