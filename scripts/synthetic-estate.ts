/**
 * A deterministic synthetic estate for benchmarks: ARG-shaped rows of APIM services with a spread
 * of good and bad postures. Same seed, same estate, on every machine.
 */

const SECURITY = 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security';
const FLAG_KEYS = [
  'Protocols.Tls10', 'Protocols.Tls11', 'Protocols.Ssl30', 'Backend.Protocols.Tls10', 'Backend.Protocols.Tls11', 'Backend.Protocols.Ssl30',
  'Ciphers.TripleDes168', 'Ciphers.TLS_RSA_WITH_AES_128_CBC_SHA', 'Ciphers.TLS_RSA_WITH_AES_256_CBC_SHA', 'Ciphers.TLS_RSA_WITH_AES_128_CBC_SHA256',
  'Ciphers.TLS_RSA_WITH_AES_256_CBC_SHA256', 'Ciphers.TLS_RSA_WITH_AES_128_GCM_SHA256', 'Ciphers.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  'Ciphers.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
].map((key) => `${SECURITY}.${key}`);
const SKUS = ['Developer', 'Basic', 'Standard', 'Premium', 'Premium', 'Consumption', 'StandardV2'];
const REGIONS = ['westeurope', 'northeurope', 'eastus', 'eastus2', 'uksouth', 'swedencentral', 'southindia', 'brazilsouth'];

/** mulberry32: tiny, fast, good enough to vary fixtures deterministically. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticEstate(count: number, seed = 42): Record<string, unknown>[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i += 1) {
    const subscription = `00000000-0000-0000-0000-${String(i % 1000).padStart(12, '0')}`;
    const name = `apim-${i.toString(36)}-${pick(REGIONS).slice(0, 3)}`;
    const sku = pick(SKUS);
    const premium = sku === 'Premium';
    const customProperties: Record<string, string> = {};
    for (const key of FLAG_KEYS) if (next() < 0.9) customProperties[key] = next() < 0.08 ? 'True' : 'False';
    const approvedPe = next() < 0.3;
    rows.push({
      id: `/subscriptions/${subscription}/resourceGroups/rg-${i % 97}/providers/Microsoft.ApiManagement/service/${name}`,
      name,
      type: 'microsoft.apimanagement/service',
      location: pick(REGIONS),
      subscriptionId: subscription,
      resourceGroup: `rg-${i % 97}`,
      tags: next() < 0.8 ? { env: pick(['prod', 'dev', 'test']), owner: `team-${i % 13}` } : {},
      sku: { name: sku, capacity: premium ? 1 + Math.floor(next() * 3) : 1 },
      zones: premium && next() < 0.6 ? ['1', '2', '3'].slice(0, 2 + Math.floor(next() * 2)) : null,
      identity: next() < 0.7 ? { type: pick(['SystemAssigned', 'UserAssigned', 'SystemAssigned, UserAssigned']) } : null,
      properties: {
        createdAtUtc: next() < 0.05 ? '2017-11-02T10:00:00Z' : '2022-03-14T10:00:00Z',
        customProperties,
        publicNetworkAccess: next() < 0.4 ? 'Disabled' : 'Enabled',
        virtualNetworkType: next() < 0.3 ? pick(['External', 'Internal']) : 'None',
        privateEndpointConnections: approvedPe
          ? [{ properties: { privateLinkServiceConnectionState: { status: 'Approved' } } }]
          : null,
        platformVersion: next() < 0.1 ? 'stv1' : 'stv2',
        apiVersionConstraint: next() < 0.5 ? { minApiVersion: '2021-08-01' } : null,
        additionalLocations: premium && next() < 0.4 ? [{ location: pick(REGIONS), sku: { name: 'Premium', capacity: 1 }, zones: null, disableGateway: next() < 0.2 }] : null,
        hostnameConfigurations: [
          { type: 'Proxy', hostName: `${name}.azure-api.net`, certificate: null },
          ...(next() < 0.5 ? [{ type: 'Proxy', hostName: `api${i}.contoso.com`, certificate: { expiry: next() < 0.1 ? '2026-01-01T00:00:00Z' : '2027-09-01T00:00:00Z' } }] : []),
        ],
        enableClientCertificate: next() < 0.5,
        developerPortalStatus: 'Enabled',
      },
    });
  }
  return rows;
}
