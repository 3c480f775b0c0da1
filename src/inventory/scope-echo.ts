import type { Inventory } from './collect.js';
import type { ResolvedScope } from './scope.js';

const NAMES_SHOWN = 3;

/** "prod = 3 subscriptions (payments-prod, identity-prod, shared-prod), tag env = prod, 12 services". */
export function describeScope(scope: ResolvedScope, inventory: Pick<Inventory, 'subscriptions' | 'services'>): string {
  const subs = inventory.subscriptions;
  const names = subs.slice(0, NAMES_SHOWN).map((s) => s.name ?? s.id);
  const more = subs.length > NAMES_SHOWN ? `, +${subs.length - NAMES_SHOWN} more` : '';
  const parts = [
    `${subs.length} ${subs.length === 1 ? 'subscription' : 'subscriptions'}${subs.length > 0 ? ` (${names.join(', ')}${more})` : ''}`,
    ...(scope.managementGroups.length > 0 ? [`management groups ${scope.managementGroups.join(', ')}`] : []),
    ...(scope.filterText === '' ? [] : [scope.filterText]),
    `${inventory.services} ${inventory.services === 1 ? 'service' : 'services'}`,
  ];
  return `${scope.name} = ${parts.join(', ')}`;
}
