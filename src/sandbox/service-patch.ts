import { isRecord, SandboxHttpError } from './http.js';
import { guid } from './shapes.js';
import { propertiesOf } from './state.js';
import type { JsonObject } from './types.js';

/**
 * What a PATCH of `Microsoft.ApiManagement/service` does to the resource, with the two platform
 * refusals the rules catalog documents. The points that make remediation hard on real Azure are
 * reproduced on purpose:
 * - `properties.customProperties` replaces the whole map: keys the PATCH omits disappear (APIM
 *   resets them to platform defaults), so a partial PATCH silently re-enables things;
 * - other `properties` merge key by key; `tags`, `sku`, `identity` and `zones` are replaced whole.
 */

const REPLACED_TOP_LEVEL = ['tags', 'sku', 'identity', 'zones'] as const;

export function validateServicePatch(current: JsonObject, patch: unknown): JsonObject {
  if (!isRecord(patch)) throw new SandboxHttpError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized: a JSON object was expected.');
  const properties = patch['properties'];
  if (properties !== undefined && !isRecord(properties)) throw validation("'properties' must be an object.");
  if (properties === undefined) return patch;
  const custom = properties['customProperties'];
  if (custom !== undefined && custom !== null) {
    if (!isRecord(custom) || !Object.values(custom).every((value) => typeof value === 'string')) {
      throw validation("'properties.customProperties' must be an object of string values (\"True\"/\"False\").");
    }
    if (skuName(current) === 'consumption') throw validation('customProperties are not supported in SkuType Consumption.');
  }
  if (typeof properties['publicNetworkAccess'] === 'string' && properties['publicNetworkAccess'].toLowerCase() === 'disabled' && !hasApprovedPrivateEndpoint(current)) {
    // azure-rest-api-specs#24947: ARM refuses this without an approved private endpoint connection.
    throw validation(
      `Blocking all public network access by setting property 'publicNetworkAccess' of API Management service '${String(current['name'])}' is not allowed without an approved private endpoint connection.`,
    );
  }
  return patch;
}

export function applyServicePatch(current: JsonObject, patch: JsonObject): JsonObject {
  const next: JsonObject = { ...current };
  const properties = patch['properties'];
  if (isRecord(properties)) next['properties'] = { ...propertiesOf(current), ...structuredClone(properties) };
  for (const key of REPLACED_TOP_LEVEL) {
    if (key in patch) next[key] = structuredClone(patch[key]);
  }
  if ('identity' in patch) next['identity'] = withPrincipals(String(current['id']), patch['identity']);
  return next;
}

/** Whether applying the PATCH would change anything (real APIM then answers 200 at once). */
export function changes(current: JsonObject, next: JsonObject): boolean {
  return stableJson(current) !== stableJson(next);
}

/** ARM fills in the principal ids of identities it creates; derived from the id so runs repeat. */
function withPrincipals(serviceId: string, identity: unknown): unknown {
  if (!isRecord(identity)) return identity ?? null;
  const type = typeof identity['type'] === 'string' ? identity['type'] : 'None';
  if (type.toLowerCase() === 'none') return { type: 'None' };
  const result: JsonObject = { ...identity };
  if (/systemassigned/i.test(type)) {
    result['principalId'] ??= guid(`${serviceId}#principal`);
    result['tenantId'] ??= guid(`${serviceId}#tenant`);
  }
  const assigned = identity['userAssignedIdentities'];
  if (isRecord(assigned)) {
    result['userAssignedIdentities'] = Object.fromEntries(
      Object.entries(assigned).map(([id, value]) => [id, { principalId: guid(`${id}#principal`), clientId: guid(`${id}#client`), ...(isRecord(value) ? value : {}) }]),
    );
  }
  return result;
}

function hasApprovedPrivateEndpoint(service: JsonObject): boolean {
  const connections = propertiesOf(service)['privateEndpointConnections'];
  if (!Array.isArray(connections)) return false;
  return connections.some((connection) => {
    const state = isRecord(connection) && isRecord(connection['properties']) ? connection['properties']['privateLinkServiceConnectionState'] : undefined;
    return isRecord(state) && typeof state['status'] === 'string' && state['status'].toLowerCase() === 'approved';
  });
}

function skuName(service: JsonObject): string {
  const sku = service['sku'];
  return isRecord(sku) && typeof sku['name'] === 'string' ? sku['name'].toLowerCase() : '';
}

function validation(message: string): SandboxHttpError {
  // APIM's code for a refused update ("One or more fields contain incorrect values").
  return new SandboxHttpError(400, 'ValidationError', message);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isRecord(value)) {
    return `{${Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson(value[key])}`)
      .join(',')}}`;
  }
  const text: unknown = JSON.stringify(value);
  return typeof text === 'string' ? text : 'null';
}
