import type { ApimService } from '../../estate/model.js';
import { v2Tier, type V2Tier } from './sku.js';
import { quoted } from './text.js';
import { equalsIgnoreCase, readPath, type PropertyPath } from './values.js';

/**
 * Network isolation as the service row reports it: inbound private endpoint connections
 * (`properties.privateEndpointConnections`) and VNet injection (`properties.virtualNetworkType`, read
 * per tier by {@link virtualNetworkMode}).
 * APIM-004, APIM-005 and APIM-006 read both, because the two are alternatives.
 */

export const VIRTUAL_NETWORK_TYPE_PATH = 'properties.virtualNetworkType';

const NAME: PropertyPath = ['name'];
const ENDPOINT_ID: PropertyPath = ['properties', 'privateEndpoint', 'id'];
const STATUS: PropertyPath = ['properties', 'privateLinkServiceConnectionState', 'status'];

/** One entry of `properties.privateEndpointConnections`, as ARG and ARM GET return them inline on the service. */
export interface EndpointConnection {
  /** Position in `properties.privateEndpointConnections`. */
  readonly index: number;
  /** The connection's `name` when it is a non-blank string. */
  readonly name: string | undefined;
  /** The connection's name, else the private endpoint's name, else its position (`#0`). */
  readonly label: string;
  readonly status: unknown;
  /** ARM path of the connection's approval status. */
  readonly path: string;
}

/** `properties.privateEndpointConnections[*]`; empty when the list is absent, null or not an array. */
export function endpointConnections(service: ApimService): EndpointConnection[] {
  const list = service.properties['privateEndpointConnections'];
  if (!Array.isArray(list)) return [];
  return list.map((entry: unknown, index) => {
    const given = readPath(entry, NAME);
    const name = typeof given === 'string' && given.trim() !== '' ? given : undefined;
    const endpointId = readPath(entry, ENDPOINT_ID);
    const label =
      name ?? (typeof endpointId === 'string' && endpointId.trim() !== '' ? endpointId.slice(endpointId.lastIndexOf('/') + 1) : `#${index}`);
    return {
      index,
      name,
      label,
      status: readPath(entry, STATUS),
      path: `properties.privateEndpointConnections[${index}].properties.privateLinkServiceConnectionState.status`,
    };
  });
}

export function isApproved(connection: EndpointConnection): boolean {
  return equalsIgnoreCase(connection.status, 'Approved');
}

/** "'pe-orders' (Pending)", for reasons that list connections waiting for approval. */
export function describeStatus(connection: EndpointConnection): string {
  const status = connection.status;
  return `'${connection.label}' (${typeof status === 'string' && status.trim() !== '' ? status : 'no status'})`;
}

/** "an approved private endpoint connection" or "2 approved private endpoint connections". */
export function approvedConnections(approved: readonly EndpointConnection[]): string {
  return approved.length === 1 ? 'an approved private endpoint connection' : `${approved.length} approved private endpoint connections`;
}

/** "'pe-a', 'pe-b'": connection labels for a reason. */
export function connectionLabels(connections: readonly EndpointConnection[]): string {
  return quoted(connections.map((connection) => connection.label));
}

/**
 * What `properties.virtualNetworkType` means for the service's tier. The value is the same enum on
 * every tier (None, External, Internal), but on the v2 tiers it names a different feature
 * (docs/v2-tiers.md, "Telling VNet injection from VNet integration"):
 *
 * - `injection`: the service runs in a subnet and inbound traffic follows the VNet mode. Classic tiers
 *   in External or Internal mode, and Premium v2 with Internal.
 * - `integration`: outbound VNet integration only; the gateway, management plane and developer portal
 *   stay public. Standard v2 and Premium v2 with External.
 * - `unsupported`: a value the tier has no feature for (anything on Basic v2, Internal on Standard v2);
 *   it isolates nothing.
 * - `none`: absent, None or an unknown value.
 */
export type VirtualNetworkMode =
  | { readonly kind: 'none' }
  | { readonly kind: 'injection'; readonly mode: string }
  | { readonly kind: 'integration'; readonly mode: string; readonly tier: V2Tier }
  | { readonly kind: 'unsupported'; readonly mode: string; readonly tier: V2Tier };

export function virtualNetworkMode(service: ApimService): VirtualNetworkMode {
  const type = service.properties['virtualNetworkType'];
  if (typeof type !== 'string') return { kind: 'none' };
  const mode = type.trim();
  const lower = mode.toLowerCase();
  if (lower !== 'external' && lower !== 'internal') return { kind: 'none' };
  const tier = v2Tier(service);
  if (tier === undefined) return { kind: 'injection', mode };
  if (tier === 'BasicV2') return { kind: 'unsupported', mode, tier };
  if (lower === 'external') return { kind: 'integration', mode, tier };
  return tier === 'PremiumV2' ? { kind: 'injection', mode } : { kind: 'unsupported', mode, tier };
}

/** External or Internal (as reported) when the service is VNet-injected on its tier; `undefined` otherwise. */
export function injectionMode(service: ApimService): string | undefined {
  const found = virtualNetworkMode(service);
  return found.kind === 'injection' ? found.mode : undefined;
}

/**
 * Why a virtualNetworkType that is not injection isolates nothing, for reasons and evidence notes:
 * "virtualNetworkType "External" on the StandardV2 tier is outbound VNet integration, which leaves the
 * gateway public". `undefined` when the type is absent or None.
 */
export function notInjectedBecause(found: VirtualNetworkMode): string | undefined {
  if (found.kind === 'integration') {
    return `virtualNetworkType "${found.mode}" on the ${found.tier} tier is outbound VNet integration, which leaves the gateway public`;
  }
  if (found.kind === 'unsupported') {
    return found.tier === 'BasicV2'
      ? `virtualNetworkType "${found.mode}" has no effect on the BasicV2 tier, which has neither VNet integration nor injection`
      : `virtualNetworkType "${found.mode}" has no effect on the ${found.tier} tier, which has no VNet injection`;
  }
  return undefined;
}
