import { CHILD_KIND_LABELS } from '../../estate/child-types.js';
import type { ApimService, ChildKind, ChildResource } from '../../estate/model.js';
import { error, notChecked, pass } from '../define-rule.js';
import type { Verdict } from '../types.js';

/** Collections whose label is a singular noun ("developer portal configuration"); the others are plural. */
const SINGULAR_LABELS: ReadonlySet<ChildKind> = new Set<ChildKind>(['portalConfigs']);

/**
 * "Not checked" verdict for a child collection the estate lacks. Data that was never fetched is
 * never a pass, and not "not applicable" either: the rule applies, its data is missing. The reason
 * names what is missing and how to get it; when the service says a kind was read only in part
 * (a listing on its path failed), the reason says which part is missing instead.
 */
export function needsChildren(kinds: readonly ChildKind[], service?: ApimService): Verdict {
  // An offline audit asks this of every child rule on every service: nothing is built until the
  // reason is read, unless the service says a listing failed.
  const incompleteByKind = service?.incompleteChildren;
  if (incompleteByKind !== undefined) {
    const incomplete = kinds.flatMap((kind) => {
      const reason = incompleteByKind[kind];
      return reason === undefined ? [] : [reason.replace(/\.$/, '')];
    });
    if (incomplete.length > 0) {
      return notChecked(() => `This rule was not checked: ${incomplete.join('; ')}. Run the audit again, or grant the identity read access to what is missing.`);
    }
  }
  return notChecked(() => notCollectedReason(kinds));
}

function notCollectedReason(kinds: readonly ChildKind[]): string {
  const labels = kinds.map((kind) => CHILD_KIND_LABELS[kind]).join(' and ');
  return kinds.length === 1 && kinds.every((kind) => SINGULAR_LABELS.has(kind))
    ? `This rule needs ${labels}, which is not in the estate (it is read from ARM by a deep audit).`
    : `This rule needs ${labels}, which are not in the estate (they are read from ARM by a deep audit).`;
}

/** The collections a rule needs, or the kinds that are missing (never collected, or read only in part). */
export function collected(service: ApimService, kinds: readonly ChildKind[]): { missing: ChildKind[] } {
  return { missing: kinds.filter((kind) => service.children[kind] === undefined || service.incompleteChildren?.[kind] !== undefined) };
}

interface JudgeChildrenOptions {
  /** The pass reason when the service has none of these children (PSRule semantics: nothing to flag). */
  readonly none: string;
  /** Children the rule does not look at (e.g. only REST APIs); judged children are the rest. */
  readonly include?: (child: ChildResource) => boolean;
}

/**
 * The shared "judge every child, pass when there are none" loop. Upstream tools repeat this block in
 * each child rule; here it is written once. Each verdict is about the child (its id is the resource
 * id); a child the export could not describe gets an `error` verdict, not a silent pass.
 */
export function judgeChildren(
  service: ApimService,
  kind: ChildKind,
  judge: (child: ChildResource) => Verdict,
  options: JudgeChildrenOptions,
): Verdict[] {
  const all = service.children[kind];
  if (all === undefined || service.incompleteChildren?.[kind] !== undefined) return [needsChildren([kind], service)];
  const children = options.include === undefined ? all : all.filter(options.include);
  if (children.length === 0) return [pass(() => options.none)];
  return children.map((child) => {
    if (child.problem !== undefined) return unreadableChild(service, child);
    const verdict = judge(child);
    return verdict.resourceId === undefined ? { ...verdict, resourceId: child.id } : verdict;
  });
}

/** The `error` verdict for a child the export could not describe ("Backend 'orders' cannot be judged: properties is null."). */
export function unreadableChild(service: ApimService, child: ChildResource): Verdict {
  return error(() => `${childSubject(child)} cannot be judged: ${child.problem ?? 'it could not be read'}.`, { resourceId: child.id || service.id });
}

/** Each kind's label for one child, e.g. "API" and "backend" (the labels are plural nouns ending in "s", or singular). */
const ONE_CHILD_LABELS = mapLabels(CHILD_KIND_LABELS, (label) => label.replace(/s$/, ''));
/** The same, capitalised to start a sentence: "Backend". */
const SUBJECT_LABELS = mapLabels(ONE_CHILD_LABELS, (label) => label.charAt(0).toUpperCase() + label.slice(1));

function mapLabels(labels: Readonly<Record<ChildKind, string>>, change: (label: string) => string): Readonly<Record<ChildKind, string>> {
  const changed = {} as Record<ChildKind, string>;
  for (const kind of Object.keys(labels) as ChildKind[]) changed[kind] = change(labels[kind]);
  return changed;
}

/** "API 'orders'", "backend 'legacy'": how reasons name a child inside a sentence. */
export function describeChild(child: ChildResource): string {
  return `${ONE_CHILD_LABELS[child.kind]} '${child.name}'`;
}

/** "Backend 'legacy'": how reasons name a child at the start of a sentence. */
export function childSubject(child: ChildResource): string {
  return `${SUBJECT_LABELS[child.kind]} '${child.name}'`;
}

/**
 * `backends/legacy`, `tenant/access`: the child as it sits under the service (the last segment of its
 * ARM type, then its name), for evidence paths.
 */
export function childPath(child: ChildResource): string {
  const type = child.type;
  return `${type.slice(type.lastIndexOf('/') + 1)}/${child.name}`;
}

/**
 * The part of a resource id below `…/Microsoft.ApiManagement/service/{name}/`, such as
 * `apis/orders/policies/policy`; `undefined` when the id does not sit below a service.
 */
export function pathBelowService(id: string): string | undefined {
  const parts = id.split('/');
  for (let index = 1; index < parts.length; index += 1) {
    if (parts[index]?.toLowerCase() === 'service' && parts[index - 1]?.toLowerCase() === 'microsoft.apimanagement') {
      const below = parts.slice(index + 2);
      return below.length > 0 ? below.join('/') : undefined;
    }
  }
  return undefined;
}
