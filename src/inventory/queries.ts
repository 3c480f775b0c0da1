import type { ArgCondition, ArgQuery } from './query-text.js';

/** Columns of an APIM service row: the raw ARM payload plus ARG's location columns. */
export const SERVICE_COLUMNS = ['id', 'name', 'type', 'location', 'subscriptionId', 'resourceGroup', 'tenantId', 'tags', 'sku', 'zones', 'identity', 'properties', 'systemData'];

/** APIM services matching a scope's tag and name filters (subscriptions go in the request body). */
export function serviceQuery(filters: readonly ArgCondition[]): ArgQuery {
  return {
    table: 'resources',
    where: [[{ field: 'type', values: ['microsoft.apimanagement/service'] }], ...filters],
    project: SERVICE_COLUMNS,
    orderBy: 'id',
  };
}

/** Subscriptions the principal can see; gives names for the scope echo and the batches to query. */
export function subscriptionQuery(): ArgQuery {
  return {
    table: 'resourcecontainers',
    where: [[{ field: 'type', values: ['microsoft.resources/subscriptions'] }]],
    project: ['subscriptionId', 'name', 'tags'],
    orderBy: 'subscriptionId',
  };
}

/** Autoscale settings (APIM-019 joins them to services through properties.targetResourceUri). */
export function autoscaleQuery(): ArgQuery {
  return {
    table: 'resources',
    where: [[{ field: 'type', values: ['microsoft.insights/autoscalesettings'] }]],
    project: ['id', 'name', 'type', 'subscriptionId', 'properties'],
    orderBy: 'id',
  };
}
