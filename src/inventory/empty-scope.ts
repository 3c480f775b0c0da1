import { closestNames } from '../util/closest-word.js';
import { plural } from '../util/text.js';
import { queryArgPages } from './arg-pages.js';
import { SUBSCRIPTION_BATCH, type Inventory } from './collect.js';
import { renderQuery } from './query-text.js';
import { ScopeError, type ResolvedScope } from './scope.js';
import type { InventorySources } from './sources.js';

/** Enough names to suggest from without reading a whole tenant's worth of services. */
const MAX_NAME_PAGES = 5;

/**
 * An audit that found nothing to audit is a mistake to report, never a clean "no findings": a
 * named service that does not exist (a typo) or an environment whose filter matched no service.
 * Named services are checked one by one, so "--service a --service typo" fails too; suggestions
 * come from the APIM service names in the subscriptions that were searched.
 */
export async function assertScopeFound(
  sources: InventorySources,
  scope: ResolvedScope,
  inventory: Pick<Inventory, 'entries' | 'subscriptions' | 'services' | 'coverage'>,
  options: { readonly abortSignal?: AbortSignal } = {},
): Promise<void> {
  const requested = scope.services ?? [];
  const searched = plural(inventory.subscriptions.length, 'subscription');
  // A scope that could not be read completely may hold the service after all: say so.
  const unread = inventory.coverage.complete ? '' : `; not everything could be read: ${(inventory.coverage.notes[0] ?? 'part of the scope failed').replace(/\.$/, '')}`;
  if (requested.length > 0) {
    const found = new Set(serviceNames(inventory.entries).map((name) => name.toLowerCase()));
    const missing = requested.filter((name) => !found.has(name.toLowerCase()));
    if (missing.length === 0) return;
    const known = await namesInSubscriptions(sources, inventory.subscriptions.map((s) => s.id), options.abortSignal);
    const where = scope.environment ?? `the ${searched} searched`;
    const suggested: string[] = [];
    const parts = missing.map((name) => {
      // The same name is no suggestion (its subscription may be the part that could not be read).
      const suggestions = closestNames(name, known.filter((candidate) => candidate.toLowerCase() !== name.toLowerCase()));
      suggested.push(...suggestions);
      const hint = suggestions.length === 0 ? '' : `; did you mean ${orList(suggestions)}?`;
      return `no APIM service named '${name}' in ${where}${hint}`;
    });
    throw new ScopeError(`${parts.join('; ')}${unread}`, { services: [...new Set(suggested)] });
  }
  if (inventory.services > 0) return;
  const filter = scope.filterText === '' ? '' : ` (${scope.filterText})`;
  throw new ScopeError(`${scope.name} matched no API Management service in ${searched}${filter}; check the subscriptions and tags of this environment${unread}`);
}

function serviceNames(entries: readonly unknown[]): string[] {
  const names: string[] = [];
  for (const entry of entries) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { type, name } = entry as { type?: unknown; name?: unknown };
    if (typeof type === 'string' && type.toLowerCase() === 'microsoft.apimanagement/service' && typeof name === 'string') names.push(name);
  }
  return names;
}

/** APIM service names in these subscriptions, for suggestions; a failure only means no suggestion. */
async function namesInSubscriptions(sources: InventorySources, subscriptions: readonly string[], abortSignal: AbortSignal | undefined): Promise<string[]> {
  if (subscriptions.length === 0) return [];
  const query = renderQuery({ table: 'resources', where: [[{ field: 'type', values: ['microsoft.apimanagement/service'] }]], project: ['name'], orderBy: 'name' });
  const names: string[] = [];
  let pages = 0;
  try {
    for await (const page of queryArgPages(sources, { query, subscriptions: subscriptions.slice(0, SUBSCRIPTION_BATCH) }, abortSignal === undefined ? {} : { abortSignal })) {
      for (const row of page.rows) {
        const name = (row as { name?: unknown }).name;
        if (typeof name === 'string') names.push(name);
      }
      pages += 1;
      if (pages >= MAX_NAME_PAGES) break;
    }
  } catch {
    abortSignal?.throwIfAborted();
  }
  return names;
}

function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1) ?? ''}`;
}
