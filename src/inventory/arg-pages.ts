import type { ArgPage, ArgPageRequest, InventorySources } from './sources.js';

/** ARG's maximum page size; fewer, larger pages cost less quota. */
export const ARG_PAGE_SIZE = 1000;

/**
 * Pages of one ARG query, following `$skipToken` until the last page. The request is resent
 * identically with only the token changed, as ARG requires.
 */
export async function* queryArgPages(
  sources: InventorySources,
  request: Omit<ArgPageRequest, 'top' | 'skipToken'>,
  options: { abortSignal?: AbortSignal; pageSize?: number } = {},
): AsyncGenerator<ArgPage> {
  let skipToken: string | undefined;
  do {
    options.abortSignal?.throwIfAborted();
    const page = await sources.queryArgPage(
      { ...request, top: options.pageSize ?? ARG_PAGE_SIZE, ...(skipToken === undefined ? {} : { skipToken }) },
      options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal },
    );
    yield page;
    skipToken = page.skipToken;
  } while (skipToken !== undefined && skipToken !== '');
}

/** Splits subscriptions into batches; ARG guidance is fewer than 300 per request. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
