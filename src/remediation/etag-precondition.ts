import type { FixPlan, FixPrecondition } from '../contracts/fix-plan.js';
import type { ApimService, ChildResource } from '../estate/model.js';
import { describeChild, pathBelowService } from '../rules/shared/children.js';
import { precondition, requiresIfMatch } from '../rules/shared/fix-plans.js';

/** How the precondition starts, so callers and tests can find it among the others. */
export const ETAG_READ = 'The ETag of';

/**
 * Adds "The ETag of <child> was read" to a plan whose request ARM refuses without `If-Match`
 * (rules/shared/fix-plans.ts: requiresIfMatch). Satisfied when the request carries the ETag that
 * was read. Otherwise unsatisfied: the data read had none (APIM lists do not return ETags), the
 * request is never sent with `*`, and the remediation step re-reads the entity to get one. Done
 * here rather than in each rule, so no child fix can leave it out.
 */
export function withEtagPrecondition<Plan extends Pick<FixPlan, 'request' | 'preconditions'>>(plan: Plan, service: ApimService): Plan {
  if (!requiresIfMatch(plan.request)) return plan;
  if (plan.preconditions.some((p) => p.description.startsWith(ETAG_READ))) return plan;
  return { ...plan, preconditions: [...plan.preconditions, etagPrecondition(plan.request.path, plan.request.headers, service)] };
}

function etagPrecondition(path: string, headers: Readonly<Record<string, string>> | undefined, service: ApimService): FixPrecondition {
  const child = childAt(service, path);
  const subject = child === undefined ? `'${pathBelowService(path) ?? path}'` : describeChild(child);
  const description = `${ETAG_READ} ${subject} was read`;
  const ifMatch = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'if-match')?.[1];
  if (ifMatch !== undefined && ifMatch.trim() !== '' && ifMatch.trim() !== '*') {
    return precondition(
      description,
      true,
      `The request sends If-Match ${ifMatch}, the ETag that was read, so it fails (412 Precondition Failed) rather than overwrite a change made since.`,
    );
  }
  const detail = `The data read has no ETag for ${subject} (ARM list results do not return one), and ARM refuses this update without If-Match. The remediation step re-reads the resource before applying and sends the ETag of that read as If-Match, never "*".`;
  return { ...precondition(description, false, detail), judgedBy: 'reread' };
}

function childAt(service: ApimService, path: string): ChildResource | undefined {
  const wanted = path.toLowerCase();
  for (const children of Object.values(service.children)) {
    const found = children.find((child) => child.id.toLowerCase() === wanted);
    if (found !== undefined) return found;
  }
  return undefined;
}

