import type { AuditFilters } from '../cards/render.js';
import type { ScopeError } from '../inventory/scope.js';

/**
 * The audits the person probably meant after a scope mistake ("prdo", a misspelt service), keeping
 * the filters they asked for, as commands for buttons.
 */
export function suggestedAudits(error: ScopeError, filters: AuditFilters): string[] {
  const words = [
    ...(filters.minSeverity === undefined ? [] : [`${filters.minSeverity} and above`]),
    ...filters.ruleIds.map((id) => `rule ${id}`),
    ...(filters.deep && filters.services.length === 0 ? ['deep'] : []),
  ].join(' ');
  const tail = words === '' ? '' : ` ${words}`;
  const { environments = [], services = [] } = error.suggestions;
  return [...environments.map((name) => `audit apim in ${name}${tail}`), ...services.map((name) => `audit ${name}${tail}`)].slice(0, 4);
}
