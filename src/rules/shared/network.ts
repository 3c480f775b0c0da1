import type { ApimService } from '../../estate/model.js';
import { quoted } from './text.js';
import { equalsIgnoreCase, readPath, type PropertyPath } from './values.js';

/**
 * Network isolation as the service row reports it: inbound private endpoint connections
 * (`properties.privateEndpointConnections`) and classic VNet injection (`properties.virtualNetworkType`).
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

/** External or Internal (any casing, trimmed): the classic VNet injection modes; `undefined` when not injected. */
export function injectionMode(service: ApimService): string | undefined {
  const type = service.properties['virtualNetworkType'];
  if (typeof type !== 'string') return undefined;
  const mode = type.trim();
  const lower = mode.toLowerCase();
  return lower === 'external' || lower === 'internal' ? mode : undefined;
}
