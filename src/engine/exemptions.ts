import { z } from 'zod';
import type { RuleResult } from '../contracts/results.js';

/**
 * An accepted risk: a rule (or every rule) on resources matching a pattern, with a reason and a
 * mandatory expiry. An expired exemption no longer hides the finding; the result is marked instead.
 */
export const exemptionSchema = z.strictObject({
  ruleId: z
    .string()
    .regex(/^(APIM-\d{3}|\*)$/i, 'must be a rule id such as APIM-004, or * for every rule')
    .transform((id) => id.toUpperCase()),
  resource: z.string().trim().min(1, 'must name a resource id, a service name, or a pattern with *'),
  reason: z.string().trim().min(1, 'must say why the risk is accepted'),
  expires: z.iso.date('must be a date such as 2026-12-31'),
  owner: z.string().trim().min(1).optional(),
  ticket: z.string().trim().min(1).optional(),
});

export type Exemption = z.infer<typeof exemptionSchema>;

interface CompiledExemption {
  readonly exemption: Exemption;
  readonly pattern: RegExp;
  /** Exemptions run through the end of their expiry day, UTC. */
  readonly expiresAt: number;
}

export type ExemptionMatcher = (result: RuleResult) => RuleResult;

/**
 * Compiles exemptions once into a function that attaches them to a failing result; the first
 * matching exemption (file order) wins. Other outcomes pass through unchanged.
 */
export function exemptionMatcher(exemptions: readonly Exemption[], now: Date): ExemptionMatcher {
  if (exemptions.length === 0) return (result) => result;
  const compiled = exemptions.map(compile);
  return (result) => {
    if (result.outcome !== 'fail') return result;
    const match = compiled.find((c) => appliesTo(c, result));
    if (match === undefined) return result;
    const { reason, expires, owner, ticket } = match.exemption;
    return {
      ...result,
      exemption: {
        reason,
        expires,
        ...(owner === undefined ? {} : { owner }),
        ...(ticket === undefined ? {} : { ticket }),
        expired: now.getTime() >= match.expiresAt,
      },
    };
  };
}

function compile(exemption: Exemption): CompiledExemption {
  const source = exemption.resource
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return {
    exemption,
    pattern: new RegExp(`^${source}$`, 'i'),
    expiresAt: exemptionEndsAt(exemption.expires),
  };
}

/** When an exemption stops hiding its finding: the end of its expiry day, UTC (milliseconds since the epoch). */
export function exemptionEndsAt(expires: string): number {
  return Date.parse(`${expires}T00:00:00Z`) + 24 * 60 * 60 * 1000;
}

/** Whether an exemption covers a rule on a resource, as the matcher decides it (the digest asks without a result). */
export function exemptionCovers(exemption: Exemption, finding: Pick<RuleResult, 'ruleId' | 'resourceId' | 'serviceId'>): boolean {
  return appliesTo(compile(exemption), finding);
}

/** A pattern may name the resource id, the service id, or the service's name. */
function appliesTo(compiled: CompiledExemption, result: Pick<RuleResult, 'ruleId' | 'resourceId' | 'serviceId'>): boolean {
  const { exemption, pattern } = compiled;
  if (exemption.ruleId !== '*' && exemption.ruleId !== result.ruleId) return false;
  const serviceName = result.serviceId.split('/').pop() ?? '';
  return pattern.test(result.resourceId) || pattern.test(result.serviceId) || pattern.test(serviceName);
}
