import type { FixChange, FixPlan, FixPrecondition, FixRequest } from '../contracts/fix-plan.js';
import type { RuleId } from '../contracts/rule-id.js';
import { isDeepStrictEqual } from 'node:util';

/**
 * Several fix plans that change one resource, sent as one request. Rules plan from the same read and
 * some send a whole map (APIM-001 and APIM-002 both re-send properties.customProperties): sent one
 * after the other, the second request would put back what the first changed. So plans whose
 * requests target the same resource are merged into one request carrying every change.
 */
export interface CombinedFix {
  /** The rules whose plans went into the request, in the order given. */
  readonly ruleIds: readonly RuleId[];
  /** The plans merged, in the order given. */
  readonly plans: readonly FixPlan[];
  readonly kind: FixPlan['kind'];
  readonly summary: string;
  readonly request: FixRequest;
  readonly changes: readonly FixChange[];
  readonly preconditions: readonly FixPrecondition[];
  readonly blastRadius: string;
}

/** Plans that cannot be merged: they disagree about a value, a header, the method or the api-version. */
export class CombinePlansError extends Error {
  override readonly name = 'CombinePlansError';
}

/**
 * One {@link CombinedFix} per resource path (ids compare case-insensitively), in the order the paths
 * first appear. Bodies are deep-merged: objects merge key by key; where the plans send different
 * values at one place, the value of the plan whose `changes` name that place wins (the other plan
 * merely re-sends what it read). When both plans change it to different values, when neither does
 * (the plans were made from different reads), or when method, api-version or headers differ, it
 * throws {@link CombinePlansError} naming the place.
 */
export function combinePlans(plans: readonly FixPlan[]): CombinedFix[] {
  const groups = new Map<string, FixPlan[]>();
  for (const plan of plans) {
    const key = plan.request.path.toLowerCase();
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [plan]);
    else group.push(plan);
  }
  return [...groups.values()].map(combineGroup);
}

function combineGroup(group: readonly FixPlan[]): CombinedFix {
  const [first, ...rest] = group;
  if (first === undefined) throw new CombinePlansError('No plans to combine.');
  if (rest.length === 0) return single(first);
  let request = first.request;
  let changedBy: PlanChanges = { ruleId: first.ruleId, paths: changePaths(first) };
  for (const plan of rest) {
    const next = plan.request;
    const where = `${first.ruleId} and ${plan.ruleId} both change ${request.path}`;
    if (next.method !== request.method) throw new CombinePlansError(`${where}, one with ${request.method} and one with ${next.method}; apply them one at a time.`);
    if (next.apiVersion !== request.apiVersion) {
      throw new CombinePlansError(`${where} with different api-versions (${request.apiVersion} and ${next.apiVersion}); apply them one at a time.`);
    }
    const headers = mergeHeaders(request.headers, next.headers, where);
    const incoming: PlanChanges = { ruleId: plan.ruleId, paths: changePaths(plan) };
    const body = mergeValue(request.body, next.body, [], changedBy, incoming, where) as FixRequest['body'];
    request = { ...request, ...(headers === undefined ? {} : { headers }), body };
    changedBy = { ruleId: `${changedBy.ruleId} and ${plan.ruleId}`, paths: [...changedBy.paths, ...incoming.paths] };
  }
  return {
    ruleIds: group.map((plan) => plan.ruleId),
    plans: group,
    kind: group.some((plan) => plan.kind === 'guarded') ? 'guarded' : 'safe',
    summary: `One request for ${group.map((plan) => plan.ruleId).join(', ')}: ${group.map((plan) => plan.summary).join(' ')}`,
    request,
    changes: unique(group.flatMap((plan) => plan.changes), (c) => `${c.path}\u0000${JSON.stringify(c.after)}`),
    preconditions: unique(group.flatMap((plan) => plan.preconditions), (p) => `${p.description}\u0000${String(p.satisfied)}`),
    blastRadius: [...new Set(group.map((plan) => plan.blastRadius))].join(' '),
  };
}

function single(plan: FixPlan): CombinedFix {
  const { ruleId, kind, summary, request, changes, preconditions, blastRadius } = plan;
  return { ruleIds: [ruleId], plans: [plan], kind, summary, request, changes, preconditions, blastRadius };
}

interface PlanChanges {
  readonly ruleId: string;
  /** Body paths the plan's changes name, as segments: `properties.customProperties['k']` → properties, customProperties, k. */
  readonly paths: readonly (readonly string[])[];
}

function mergeValue(current: unknown, next: unknown, at: readonly string[], currentPlan: PlanChanges, nextPlan: PlanChanges, where: string): unknown {
  if (isObject(current) && isObject(next)) {
    const merged: Record<string, unknown> = { ...current };
    for (const [key, value] of Object.entries(next)) {
      merged[key] = key in merged ? mergeValue(merged[key], value, [...at, key], currentPlan, nextPlan, where) : value;
    }
    return merged;
  }
  if (isDeepStrictEqual(current, next)) return current;
  const currentChanges = changes(currentPlan, at);
  const nextChanges = changes(nextPlan, at);
  if (currentChanges && !nextChanges) return current;
  if (nextChanges && !currentChanges) return next;
  const place = at.join('.') || '(body)';
  const values = `${JSON.stringify(current)} and ${JSON.stringify(next)}`;
  throw new CombinePlansError(
    currentChanges
      ? `${where}: they set ${place} to ${values}; apply one, audit again, then fix the other.`
      : `${where}: they were planned from different reads of ${place} (${values}); read the resource again and plan both anew.`,
  );
}

/** Whether a plan's changes name `at`, or a place inside it or around it. */
function changes(plan: PlanChanges, at: readonly string[]): boolean {
  return plan.paths.some((path) => {
    const shorter = Math.min(path.length, at.length);
    for (let index = 0; index < shorter; index += 1) if (path[index] !== at[index]) return false;
    return true;
  });
}

/**
 * A change's path as body segments. Change paths are written for people: an optional `child: `
 * prefix (`apis/orders: properties.protocols`), dots between names, `['key']` for keys with dots
 * and `[0]` for list entries.
 */
export function changeSegments(path: string): string[] {
  const colon = path.indexOf(': ');
  const bare = colon >= 0 && !path.slice(0, colon).includes('[') ? path.slice(colon + 2) : path;
  const segments: string[] = [];
  const pattern = /\['((?:[^'\\]|\\.)*)'\]|\[(\d+)\]|([^.[\]]+)/g;
  for (const match of bare.matchAll(pattern)) segments.push(match[1] ?? match[2] ?? match[3] ?? '');
  return segments;
}

function changePaths(plan: FixPlan): string[][] {
  return plan.changes.map((change) => changeSegments(change.path));
}

function mergeHeaders(
  current: Readonly<Record<string, string>> | undefined,
  next: Readonly<Record<string, string>> | undefined,
  where: string,
): Readonly<Record<string, string>> | undefined {
  if (current === undefined) return next;
  if (next === undefined) return current;
  const merged: Record<string, string> = { ...current };
  for (const [name, value] of Object.entries(next)) {
    const existing = Object.keys(merged).find((key) => key.toLowerCase() === name.toLowerCase());
    if (existing === undefined) merged[name] = value;
    else if (merged[existing] !== value) throw new CombinePlansError(`${where} with different ${name} headers (${merged[existing] ?? ''} and ${value}); read the resource again and plan both anew.`);
  }
  return merged;
}

function unique<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = keyOf(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
