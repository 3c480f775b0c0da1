/**
 * The remediation role's actions, both as the fix plans need them and as the templates in infra/
 * grant them. Shared by test/infra/remediation-role.test.ts and scripts/role-actions.ts.
 */
import { ALL_RULES } from '../../src/rules/index.js';
import type { FixPlan } from '../../src/contracts/fix-plan.js';
import { actionSet } from '../../src/remediation/rbac-actions.js';
import { at, loadTemplate, type Json } from './arm-template.js';
import { PLAN_FIXTURES, plansFor } from './plan-fixtures.js';

/** Where each template keeps the role's actions. */
export const ROLE_ACTION_PLACES = [
  { file: 'main.json', path: 'variables.remediationRole.actions' },
  { file: 'access-management-group.json', path: 'variables.remediationRole.actions' },
] as const;

/** Every plan of every fixable rule on its fixtures. */
export function fixturePlans(): FixPlan[] {
  return ALL_RULES.filter((rule) => rule.meta.fix !== 'manual').flatMap((rule) => (PLAN_FIXTURES[rule.meta.id] ?? []).flatMap((fixture) => plansFor(rule, fixture)));
}

/** The actions the plans need, sorted, one spelling each. */
export function derivedActions(plans: readonly FixPlan[] = fixturePlans()): string[] {
  return actionSet(plans.map((plan) => plan.request));
}

export function grantedActions(template: Json, path: string): string[] {
  const actions = at(template, path);
  if (!Array.isArray(actions) || actions.some((action) => typeof action !== 'string')) throw new Error(`${path} is not a list of actions`);
  return actions as string[];
}

export function templateActions(dir?: string): { file: string; actions: string[] }[] {
  return ROLE_ACTION_PLACES.map(({ file, path }) => ({ file, actions: grantedActions(loadTemplate(file, dir), path) }));
}

/**
 * What the role lacks (a plan needs it) and what it grants that no plan uses. RBAC actions compare
 * without regard to case; a duplicate grant counts as unused.
 */
export function compareActions(needed: readonly string[], granted: readonly string[]): { missing: string[]; unused: string[] } {
  const grantedKeys = granted.map((action) => action.toLowerCase());
  const neededKeys = new Set(needed.map((action) => action.toLowerCase()));
  return {
    missing: needed.filter((action) => !grantedKeys.includes(action.toLowerCase())),
    unused: granted.filter((action, index) => !neededKeys.has(action.toLowerCase()) || grantedKeys.indexOf(action.toLowerCase()) !== index),
  };
}
