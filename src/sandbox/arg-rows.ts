import type { ArgTableName } from './arg-query.js';
import type { SandboxState } from './state.js';
import type { JsonObject } from './types.js';

/**
 * ARG's view of the sandbox state. ARG rows are the raw ARM payload plus location columns, with a
 * lower-cased `type`, a location *key* ("westeurope", where ARM GET says "West Europe") and a
 * lower-cased resource group. Only tracked top-level resources are in `resources`: APIM child
 * resources (apis, products, …) and extension resources are not in ARG at all, which is why the
 * product reads them through ARM. `resourcechanges` is the sandbox's change log (change-log.ts).
 */

export function deriveRows(state: SandboxState, table: ArgTableName): JsonObject[] {
  switch (table) {
    case 'resources':
      return resourceRows(state);
    case 'resourcecontainers':
      return containerRows(state);
    case 'resourcechanges':
      // Rows are never changed once recorded, so the log's own objects can be served.
      return [...state.changes.all()];
  }
}

function resourceRows(state: SandboxState): JsonObject[] {
  const rows: JsonObject[] = [];
  for (const resource of state.all()) {
    const id = resource['id'];
    if (typeof id !== 'string' || !isTopLevel(id)) continue;
    const parts = id.split('/');
    rows.push({
      id,
      name: resource['name'] ?? parts[8] ?? null,
      type: typeof resource['type'] === 'string' ? resource['type'].toLowerCase() : null,
      tenantId: state.tenantId,
      kind: resource['kind'] ?? '',
      location: locationKey(resource['location']),
      resourceGroup: (parts[4] ?? '').toLowerCase(),
      subscriptionId: parts[2] ?? null,
      managedBy: resource['managedBy'] ?? '',
      sku: resource['sku'] ?? null,
      plan: resource['plan'] ?? null,
      properties: resource['properties'] ?? null,
      tags: resource['tags'] ?? {},
      identity: resource['identity'] ?? null,
      zones: resource['zones'] ?? null,
      extendedLocation: resource['extendedLocation'] ?? null,
      systemData: resource['systemData'] ?? null,
    });
  }
  return rows;
}

/** Subscriptions, then the resource groups that hold resources. */
function containerRows(state: SandboxState): JsonObject[] {
  const rows: JsonObject[] = [];
  for (const subscription of state.subscriptions()) {
    const groups = ancestors(state, subscription.subscriptionId);
    rows.push({
      id: `/subscriptions/${subscription.subscriptionId}`,
      name: subscription.name,
      type: 'microsoft.resources/subscriptions',
      tenantId: state.tenantId,
      kind: '',
      location: '',
      resourceGroup: '',
      subscriptionId: subscription.subscriptionId,
      managedBy: '',
      sku: null,
      plan: null,
      properties: {
        state: subscription.state ?? 'Enabled',
        subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'EnterpriseAgreement_2014-09-01', spendingLimit: 'Off' },
        managementGroupAncestorsChain: groups,
      },
      tags: subscription.tags,
      identity: null,
      zones: null,
      extendedLocation: null,
    });
  }
  for (const subscription of state.subscriptions()) {
    for (const group of state.resourceGroupsOf(subscription.subscriptionId)) {
      rows.push({
        id: `/subscriptions/${subscription.subscriptionId}/resourceGroups/${group}`,
        name: group,
        type: 'microsoft.resources/subscriptions/resourcegroups',
        tenantId: state.tenantId,
        kind: '',
        location: locationKey(state.resourceGroupLocation(subscription.subscriptionId, group)) ?? '',
        resourceGroup: group.toLowerCase(),
        subscriptionId: subscription.subscriptionId,
        managedBy: '',
        sku: null,
        plan: null,
        properties: { provisioningState: 'Succeeded' },
        tags: {},
        identity: null,
        zones: null,
        extendedLocation: null,
      });
    }
  }
  return rows;
}

function ancestors(state: SandboxState, subscriptionId: string): JsonObject[] {
  const chain: JsonObject[] = [];
  for (const group of state.managementGroups()) {
    if (group.subscriptionIds.some((id) => id.toLowerCase() === subscriptionId.toLowerCase())) chain.push({ name: group.name, displayName: group.displayName });
  }
  chain.push({ name: state.tenantId, displayName: 'Tenant Root Group' });
  return chain;
}

/** `/subscriptions/s/resourceGroups/g/providers/ns/type/name`: a tracked resource, not a child. */
function isTopLevel(id: string): boolean {
  const parts = id.split('/');
  return parts.length === 9 && parts[1]?.toLowerCase() === 'subscriptions' && parts[3]?.toLowerCase() === 'resourcegroups' && parts[5]?.toLowerCase() === 'providers';
}

/** "West Europe" → "westeurope": ARG stores location keys, ARM GET returns display names. */
export function locationKey(location: unknown): string | null {
  return typeof location === 'string' ? location.replace(/\s+/g, '').toLowerCase() : null;
}
