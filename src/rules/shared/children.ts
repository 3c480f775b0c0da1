import { CHILD_KIND_LABELS } from '../../estate/child-types.js';
import type { ApimService, ChildKind, ChildResource } from '../../estate/model.js';
import { error, notApplicable, pass } from '../define-rule.js';
import type { Verdict } from '../types.js';

/**
 * "Not collected" verdict for a child collection the estate lacks. Data that was never fetched is
 * never a pass: the reason names what is missing and how to get it.
 */
export function needsChildren(kinds: readonly ChildKind[]): Verdict {
  const labels = kinds.map((kind) => CHILD_KIND_LABELS[kind]).join(' and ');
  return notApplicable(`needs ${labels}, which are not in the estate (they are read from ARM by a deep audit)`);
}

/** The collections a rule needs, or the kinds that are missing. */
export function collected(service: ApimService, kinds: readonly ChildKind[]): { missing: ChildKind[] } {
  return { missing: kinds.filter((kind) => service.children[kind] === undefined) };
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
  if (all === undefined) return [needsChildren([kind])];
  const children = options.include === undefined ? all : all.filter(options.include);
  if (children.length === 0) return [pass(options.none)];
  return children.map((child) => {
    if (child.problem !== undefined) {
      return error(`${describeChild(child)} cannot be judged: ${child.problem}`, { resourceId: child.id || service.id });
    }
    const verdict = judge(child);
    return verdict.resourceId === undefined ? { ...verdict, resourceId: child.id } : verdict;
  });
}

/** "API 'orders'" style names for reasons. */
export function describeChild(child: ChildResource): string {
  const label = CHILD_KIND_LABELS[child.kind].replace(/s$/, '');
  return `${label} '${child.name}'`;
}
