/**
 * Small ARM-shaped fixtures for rule tests. Each test case builds exactly the resource it talks
 * about: start from a hardened, modern Premium service and change only what the case is about.
 */

export type Raw = Record<string, unknown>;

export const SUBSCRIPTION = '00000000-0000-0000-0000-000000000001';
export const RESOURCE_GROUP = 'rg-apim';

export const GATEWAY = 'Microsoft.WindowsAzure.ApiManagement.Gateway';
const SECURITY = `${GATEWAY}.Security`;

/** Every protocol and cipher switch "False", as a hardened service returns them. */
export function hardenedCustomProperties(): Record<string, string> {
  const keys = [
    'Protocols.Tls10', 'Protocols.Tls11', 'Protocols.Ssl30',
    'Backend.Protocols.Tls10', 'Backend.Protocols.Tls11', 'Backend.Protocols.Ssl30',
    'Ciphers.TripleDes168',
    'Ciphers.TLS_RSA_WITH_AES_128_CBC_SHA', 'Ciphers.TLS_RSA_WITH_AES_256_CBC_SHA',
    'Ciphers.TLS_RSA_WITH_AES_128_CBC_SHA256', 'Ciphers.TLS_RSA_WITH_AES_256_CBC_SHA256',
    'Ciphers.TLS_RSA_WITH_AES_128_GCM_SHA256',
    'Ciphers.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'Ciphers.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  ];
  return {
    ...Object.fromEntries(keys.map((key) => [`${SECURITY}.${key}`, 'False'])),
    [`${GATEWAY}.Protocols.Server.Http2`]: 'False',
  };
}

export function serviceId(name: string): string {
  return `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.ApiManagement/service/${name}`;
}

export interface ServiceOverrides {
  readonly name?: string;
  readonly sku?: { name: string; capacity?: number };
  readonly location?: string;
  readonly zones?: string[] | null;
  readonly identity?: Raw | null;
  readonly tags?: Record<string, string> | null;
  /** Merged over the hardened defaults; a value of `undefined` deletes the key. */
  readonly properties?: Raw;
  /** Top-level fields merged last (e.g. systemData); `undefined` deletes. */
  readonly top?: Raw;
}

/**
 * A modern (2023) Premium service in a hardened state, as ARM GET returns it. Overrides change
 * single fields; `undefined` removes a field so absent-value defaults can be tested.
 */
export function apimService(overrides: ServiceOverrides = {}): Raw {
  const name = overrides.name ?? 'apim-test';
  const properties: Raw = {
    publisherEmail: 'apis@contoso.com',
    publisherName: 'Contoso',
    provisioningState: 'Succeeded',
    createdAtUtc: '2023-05-10T08:00:00.0000000Z',
    gatewayUrl: `https://${name}.azure-api.net`,
    developerPortalStatus: 'Enabled',
    hostnameConfigurations: [
      { type: 'Proxy', hostName: `${name}.azure-api.net`, negotiateClientCertificate: false, defaultSslBinding: true, certificateSource: 'BuiltIn' },
    ],
    publicIPAddresses: ['20.0.0.1'],
    additionalLocations: null,
    virtualNetworkConfiguration: null,
    customProperties: hardenedCustomProperties(),
    virtualNetworkType: 'None',
    publicNetworkAccess: 'Enabled',
    privateEndpointConnections: null,
    platformVersion: 'stv2',
    apiVersionConstraint: { minApiVersion: '2021-08-01' },
    disableGateway: false,
  };
  mergeInto(properties, overrides.properties ?? {});
  const resource: Raw = {
    id: serviceId(name),
    name,
    type: 'Microsoft.ApiManagement/service',
    location: overrides.location ?? 'West Europe',
    tags: overrides.tags === undefined ? { env: 'prod', owner: 'team-payments' } : overrides.tags,
    sku: overrides.sku ?? { name: 'Premium', capacity: 3 },
    zones: overrides.zones === undefined ? ['1', '2', '3'] : overrides.zones,
    identity: overrides.identity === undefined ? { type: 'SystemAssigned', principalId: '11111111-1111-1111-1111-111111111111', tenantId: '22222222-2222-2222-2222-222222222222' } : overrides.identity,
    systemData: { createdAt: '2023-05-10T08:00:00Z', createdByType: 'User' },
    properties,
  };
  mergeInto(resource, overrides.top ?? {});
  return resource;
}

/**
 * A service on a v2 tier (BasicV2, StandardV2, PremiumV2): {@link apimService} with that sku, one unit
 * and no `zones` (v2 services do not list zones per unit). `overrides` change the rest as there.
 */
export function apimV2Service(tier: 'BasicV2' | 'StandardV2' | 'PremiumV2', overrides: ServiceOverrides = {}): Raw {
  return apimService({ sku: { name: tier, capacity: 1 }, zones: null, ...overrides });
}

/**
 * A child resource under a service, as ARM lists it. `path` is the segment chain below the service,
 * e.g. `apis/orders` or `apis/orders/policies/policy`.
 */
export function childOf(service: Raw, path: string, type: string, properties: Raw | null): Raw {
  const id = `${String(service['id'])}/${path}`;
  return { id, name: path.split('/').pop(), type, properties };
}

/** An extension resource on the service (diagnostic settings, Defender API collections). */
export function extensionOf(service: Raw, provider: string, name: string, properties: Raw | null): Raw {
  return { id: `${String(service['id'])}/providers/${provider}/${name}`, name, type: provider, properties };
}

function mergeInto(target: Raw, changes: Raw): void {
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) Reflect.deleteProperty(target, key);
    else target[key] = value;
  }
}
