/**
 * The bench's field baseline: visits every service row and reads every field the ARG-row rules
 * read (no rules, no verdicts, no results), so (normalize + evaluate) ÷ this says what the engine
 * costs over the bare minimum of looking at the data. It reads a superset of those fields, which
 * makes the baseline harder to beat, never easier.
 */
type Json = Record<string, unknown>;

const obj = (value: unknown): Json | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined);
const list = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);
/** A number from a value, so the reads cannot be optimised away. */
const weigh = (value: unknown): number => (typeof value === 'string' ? value.length : value === undefined || value === null ? 0 : 1);

export function readRowFields(rows: readonly unknown[]): number {
  let sum = 0;
  for (const raw of rows) {
    const row = obj(raw);
    if (row === undefined) continue;
    sum += weigh(row['id']) + weigh(row['name']) + weigh(row['type']) + weigh(row['location']) + weigh(row['subscriptionId']) + weigh(row['resourceGroup']);
    const sku = obj(row['sku']);
    sum += weigh(sku?.['name']) + weigh(sku?.['capacity']);
    for (const zone of list(row['zones'])) sum += weigh(zone);
    const identity = obj(row['identity']);
    sum += weigh(identity?.['type']) + Object.keys(obj(identity?.['userAssignedIdentities']) ?? {}).length;
    for (const [key, value] of Object.entries(obj(row['tags']) ?? {})) sum += key.length + weigh(value);
    sum += weigh(obj(row['systemData'])?.['createdAt']);
    const p = obj(row['properties']);
    if (p === undefined) continue;
    for (const [key, value] of Object.entries(obj(p['customProperties']) ?? {})) sum += key.length + weigh(value);
    sum += weigh(p['publicNetworkAccess']) + weigh(p['virtualNetworkType']) + weigh(obj(p['virtualNetworkConfiguration'])?.['subnetResourceId']);
    sum += weigh(p['zoneRedundant']) + weigh(p['platformVersion']) + weigh(obj(p['apiVersionConstraint'])?.['minApiVersion']);
    sum += weigh(p['enableClientCertificate']) + weigh(p['disableGateway']) + weigh(p['provisioningState']) + weigh(p['createdAtUtc']);
    sum += weigh(p['developerPortalStatus']) + weigh(p['legacyPortalStatus']) + weigh(p['natGatewayState']);
    for (const connection of list(p['privateEndpointConnections'])) {
      sum += weigh(obj(obj(obj(connection)?.['properties'])?.['privateLinkServiceConnectionState'])?.['status']);
    }
    for (const region of list(p['additionalLocations'])) {
      const r = obj(region);
      sum += weigh(r?.['location']) + weigh(obj(r?.['sku'])?.['capacity']) + weigh(r?.['disableGateway']) + weigh(r?.['platformVersion']);
      for (const zone of list(r?.['zones'])) sum += weigh(zone);
      sum += weigh(obj(r?.['virtualNetworkConfiguration'])?.['subnetResourceId']);
    }
    for (const host of list(p['hostnameConfigurations'])) {
      const h = obj(host);
      sum += weigh(h?.['hostName']) + weigh(h?.['type']) + weigh(h?.['negotiateClientCertificate']) + weigh(obj(h?.['certificate'])?.['expiry']) + weigh(h?.['certificateSource']);
    }
  }
  return sum;
}
