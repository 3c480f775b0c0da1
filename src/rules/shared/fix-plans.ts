import { isObject } from '../../estate/fields.js';
import type { ApimService, ChildKind, ChildResource, JsonObject } from '../../estate/model.js';
import { API_VERSIONS } from '../../contracts/api-versions.js';
import { type FixChange, type FixPrecondition, type FixRequest } from '../../contracts/fix-plan.js';
import { equalsIgnoreCase } from './values.js';

/**
 * Building blocks for the rules' fix plans. A plan is one request per finding, built from the
 * service as last read; the helpers here keep the request shapes and the wording of common
 * preconditions in one place.
 */

/** `PATCH {service id}` with the given body (api-version 2024-05-01). */
export function patchService(service: ApimService, body: JsonObject): FixRequest {
  return { method: 'PATCH', path: service.id, apiVersion: API_VERSIONS.apiManagement, body };
}

/**
 * `PATCH {child id}`, e.g. `…/service/x/apis/orders` (api-version 2024-05-01), with `If-Match` set
 * to the ETag that was read. When the data read has no ETag the header is left out — never `*`,
 * which would overwrite a change made since the read — and the remediation flow adds an unsatisfied
 * "The ETag of … was read" precondition (remediation/etag-precondition.ts).
 */
export function patchChild(child: ChildResource, body: JsonObject): FixRequest {
  const request: FixRequest = { method: 'PATCH', path: child.id, apiVersion: API_VERSIONS.apiManagement, body };
  return child.etag === undefined ? request : { ...request, headers: { 'If-Match': ifMatchValue(child.etag) } };
}

/**
 * Child collections whose updates ARM refuses without `If-Match` (REST spec 2024-05-01: the PATCH
 * of Api_Update in apimapis.json, Backend_Update in apimbackends.json, Product_Update in
 * apimproducts.json, TenantAccess_Update in apimtenant.json and PortalConfig_Update in
 * apimportalconfigs.json take `IfMatchRequiredParameter`; their PUTs take the optional one, except
 * TenantAccess_Create and PortalConfig_CreateOrUpdate, which require it too).
 */
const IF_MATCH_REQUIRED: Readonly<Record<FixRequest['method'], readonly string[]>> = {
  PATCH: ['apis', 'backends', 'products', 'tenant', 'portalconfigs'],
  PUT: ['tenant', 'portalconfigs'],
};

/** Whether ARM requires `If-Match` on this request: an update of an APIM child listed above. */
export function requiresIfMatch(request: Pick<FixRequest, 'method' | 'path'>): boolean {
  const match = /\/providers\/microsoft\.apimanagement\/service\/[^/]+\/([^/]+)\/[^/]+\/?$/i.exec(request.path);
  const collection = match?.[1]?.toLowerCase();
  return collection !== undefined && IF_MATCH_REQUIRED[request.method].includes(collection);
}

/** The `If-Match` value for an ETag as read: bodies carry it bare (`AAAAAAAQAAE=`), headers quote it. */
export function ifMatchValue(etag: string): string {
  return /^(W\/)?".*"$/.test(etag) ? etag : `"${etag}"`;
}

export function change(path: string, before: unknown, after: unknown): FixChange {
  return { path, before, after };
}

export function precondition(description: string, satisfied: boolean, detail: string): FixPrecondition {
  return { description, satisfied, detail };
}

/**
 * A precondition the estate cannot show, e.g. that every caller presents a client certificate: it
 * stays unsatisfied until a person confirms it. `detail` says what to check and where.
 */
export function toConfirm(description: string, detail: string): FixPrecondition {
  return { description, satisfied: false, detail, judgedBy: 'confirm' };
}

/**
 * The child a child finding is about: the entry of `service.children[kind]` whose id is the result's
 * resource id (ids compare case-insensitively). `undefined` when the service as read no longer has
 * it, or it cannot be read.
 */
export function findingChild(service: ApimService, kind: ChildKind, resourceId: string): ChildResource | undefined {
  const wanted = resourceId.toLowerCase();
  const child = service.children[kind]?.find((entry) => entry.id !== '' && entry.id.toLowerCase() === wanted);
  return child?.problem === undefined ? child : undefined;
}

/**
 * ARM refuses a service update while another operation runs on the service (409 Conflict), and
 * classic-tier updates take 15–45 minutes, so a service-level fix first needs the service at rest.
 */
export function serviceAtRest(service: ApimService): FixPrecondition {
  const description = 'No other operation is running on the service';
  const state = service.properties['provisioningState'];
  if (equalsIgnoreCase(state, 'Succeeded')) {
    return precondition(description, true, `Service '${service.name}' reports provisioningState "Succeeded".`);
  }
  if (typeof state !== 'string' || state.trim() === '') {
    return precondition(
      description,
      false,
      `Service '${service.name}' does not report properties.provisioningState, so it cannot be shown to be at rest; read the service again before applying.`,
    );
  }
  return precondition(
    description,
    false,
    `Service '${service.name}' reports provisioningState "${state}"; wait until it is "Succeeded" (ARM refuses updates while another operation runs).`,
  );
}

/**
 * A copy of `record` with `name` set to `value`, replacing a key that differs only in casing (PSRule
 * exports write `Zones`, `Sku`), so the body never holds the same field twice.
 */
export function withField(record: JsonObject, name: string, value: unknown): JsonObject {
  // Object.fromEntries defines own properties, so a key named "__proto__" in the estate survives the copy.
  const kept = Object.entries(record).filter(([key]) => key === name || key.toLowerCase() !== name.toLowerCase());
  const at = kept.findIndex(([key]) => key === name);
  if (at >= 0) kept[at] = [name, value];
  else kept.push([name, value]);
  return Object.fromEntries(kept);
}

/** `record[name]` as a plain object (any key casing), or `{}`. */
export function objectField(record: JsonObject, name: string): JsonObject {
  const exact = record[name];
  if (isObject(exact)) return exact;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : record[key];
  return isObject(value) ? value : {};
}
