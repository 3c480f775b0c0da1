import { plural } from '../util/text.js';
import type { Inventory } from './collect.js';
import type { ResolvedScope } from './scope.js';

const NAMES_SHOWN = 3;

/**
 * "prod = 12 services in 3 subscriptions (payments-prod, identity-prod, shared-prod), tag env or
 * environment = prod/production; searched 40 subscriptions" — what was audited, in words, so
 * nobody fixes the wrong estate.
 */
export function describeScope(scope: ResolvedScope, inventory: Pick<Inventory, 'subscriptions' | 'serviceSubscriptions' | 'services'>): string {
  const where = inventory.serviceSubscriptions;
  const names = where.slice(0, NAMES_SHOWN).map((s) => s.name ?? s.id);
  const more = where.length > NAMES_SHOWN ? `, +${where.length - NAMES_SHOWN} more` : '';
  const found = `${plural(inventory.services, 'service')} in ${plural(where.length, 'subscription')}${where.length > 0 ? ` (${names.join(', ')}${more})` : ''}`;
  const filters = [
    ...(scope.managementGroups.length > 0 ? [`management groups ${scope.managementGroups.join(', ')}`] : []),
    ...(scope.filterText === '' || scope.filterText === scope.name ? [] : [scope.filterText]),
  ];
  return `${scope.name} = ${[found, ...filters].join(', ')}; searched ${plural(inventory.subscriptions.length, 'subscription')}`;
}
