import { createHash } from 'node:crypto';
import type { JsonObject } from './types.js';

/**
 * Builders for ARM GET bodies of APIM services and their children, shaped like the 2024-05-01
 * spec examples and the Azure SDK test recordings (reference/azure-sdk.md §8): explicit `null`s
 * where real APIM writes them, display-name locations, mixed-case types. The seed and the scale
 * generator describe *postures*; these functions turn them into what Azure would return.
 */

export const GATEWAY = 'Microsoft.WindowsAzure.ApiManagement.Gateway';

/** The switches of `properties.customProperties`, as suffixes of `Microsoft.WindowsAzure.ApiManagement.Gateway.`. */
export const TLS_SWITCHES = [
  'Security.Protocols.Tls10',
  'Security.Protocols.Tls11',
  'Security.Protocols.Ssl30',
  'Security.Backend.Protocols.Tls10',
  'Security.Backend.Protocols.Tls11',
  'Security.Backend.Protocols.Ssl30',
  'Security.Ciphers.TripleDes168',
  'Security.Ciphers.TLS_RSA_WITH_AES_128_CBC_SHA',
  'Security.Ciphers.TLS_RSA_WITH_AES_256_CBC_SHA',
  'Security.Ciphers.TLS_RSA_WITH_AES_128_CBC_SHA256',
  'Security.Ciphers.TLS_RSA_WITH_AES_256_CBC_SHA256',
  'Security.Ciphers.TLS_RSA_WITH_AES_128_GCM_SHA256',
  'Security.Ciphers.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  'Security.Ciphers.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  'Protocols.Server.Http2',
] as const;

export type TlsSwitch = (typeof TLS_SWITCHES)[number];

export interface CustomPropertiesSpec {
  /** Switches set to "True" (legacy protocol or weak cipher on). */
  readonly on?: readonly TlsSwitch[];
  /** Switches left out of the map (absent: the platform default applies). */
  readonly omit?: readonly TlsSwitch[];
  /** Write "true"/"false" instead of "True"/"False" (both occur on real services). */
  readonly lowerCase?: boolean;
}

/** The full map with every switch "False" unless turned on or omitted. */
export function customProperties(spec: CustomPropertiesSpec = {}): Record<string, string> {
  const [yes, no] = spec.lowerCase === true ? ['true', 'false'] : ['True', 'False'];
  const entries = TLS_SWITCHES.filter((key) => !(spec.omit ?? []).includes(key)).map((key) => [`${GATEWAY}.${key}`, (spec.on ?? []).includes(key) ? yes : no]);
  return Object.fromEntries(entries) as Record<string, string>;
}

export type Sku = 'Developer' | 'Basic' | 'Standard' | 'Premium' | 'Consumption' | 'BasicV2' | 'StandardV2';

export interface CustomDomainSpec {
  readonly type: 'Proxy' | 'DeveloperPortal' | 'Management';
  readonly hostName: string;
  /** Certificate expiry (ISO). */
  readonly expiry: string;
  /** Key Vault secret URI the certificate is read from; uploaded certificate when absent. */
  readonly keyVaultId?: string;
}

export interface RegionSpec {
  readonly location: string;
  readonly capacity: number;
  readonly zones?: readonly string[] | null;
  readonly disableGateway?: boolean;
}

export interface PrivateEndpointSpec {
  readonly name: string;
  readonly status: 'Approved' | 'Pending' | 'Rejected';
  /** Resource group of the private endpoint resource (default: the service's). */
  readonly resourceGroup?: string;
}

export interface ServiceSpec {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  /** Display name, as ARM GET returns it ("West Europe"). */
  readonly location: string;
  readonly sku: Sku;
  readonly capacity?: number;
  readonly zones?: readonly string[] | null;
  readonly tags?: Readonly<Record<string, string>> | null;
  /** `null` writes `identity: null` (never configured); `'None'` writes `{ type: 'None' }`. */
  readonly identity?: 'SystemAssigned' | 'UserAssigned' | 'SystemAssigned, UserAssigned' | 'None' | null;
  /** Creation time (ISO); before 2018-04-01 absent protocol keys default to enabled. */
  readonly createdAt: string;
  readonly platformVersion?: 'stv1' | 'stv2' | 'stv2.1' | 'mtv1';
  /** `null` writes `customProperties: null`. Default: every switch "False". */
  readonly customProperties?: Readonly<Record<string, string>> | null;
  readonly publicNetworkAccess?: 'Enabled' | 'Disabled';
  readonly virtualNetwork?: { readonly type: 'Internal' | 'External'; readonly subnetResourceId: string };
  readonly privateEndpoints?: readonly PrivateEndpointSpec[];
  readonly additionalLocations?: readonly RegionSpec[];
  readonly customDomains?: readonly CustomDomainSpec[];
  /** `null` writes `apiVersionConstraint: null`. Default `2021-08-01`. */
  readonly minApiVersion?: string | null;
  readonly developerPortalStatus?: 'Enabled' | 'Disabled';
  readonly enableClientCertificate?: boolean;
  readonly disableGateway?: boolean;
  readonly publisher?: { readonly email: string; readonly name: string };
  readonly createdBy?: string;
}

export function serviceId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ApiManagement/service/${name}`;
}

/** A `Microsoft.ApiManagement/service` GET body. */
export function apimService(spec: ServiceSpec): JsonObject {
  const id = serviceId(spec.subscriptionId, spec.resourceGroup, spec.name);
  const host = spec.name.toLowerCase();
  const region = spec.location.replace(/\s+/g, '').toLowerCase();
  const consumption = spec.sku === 'Consumption';
  const vnet = spec.virtualNetwork;
  const privateIps = vnet?.type === 'Internal' ? [privateIp(id, 'primary')] : null;
  const identityType = spec.identity === undefined ? 'SystemAssigned' : spec.identity;
  const properties: JsonObject = {
    publisherEmail: spec.publisher?.email ?? 'apis@contoso.com',
    publisherName: spec.publisher?.name ?? 'Contoso',
    notificationSenderEmail: 'apimgmt-noreply@mail.windowsazure.com',
    provisioningState: 'Succeeded',
    targetProvisioningState: '',
    createdAtUtc: spec.createdAt,
    gatewayUrl: `https://${host}.azure-api.net`,
    gatewayRegionalUrl: consumption ? null : `https://${host}-${region}-01.regional.azure-api.net`,
    portalUrl: consumption ? null : `https://${host}.portal.azure-api.net`,
    developerPortalUrl: consumption ? null : `https://${host}.developer.azure-api.net`,
    managementApiUrl: consumption ? null : `https://${host}.management.azure-api.net`,
    scmUrl: consumption ? null : `https://${host}.scm.azure-api.net`,
    hostnameConfigurations: hostnames(host, spec.customDomains ?? []),
    publicIPAddresses: consumption ? null : [publicIp(id, 'primary')],
    privateIPAddresses: privateIps,
    additionalLocations: spec.additionalLocations === undefined || spec.additionalLocations.length === 0 ? null : spec.additionalLocations.map((location) => additionalLocation(id, host, spec, location)),
    virtualNetworkConfiguration: vnet === undefined ? null : { subnetResourceId: vnet.subnetResourceId, vnetid: '00000000-0000-0000-0000-000000000000', subnetname: null },
    customProperties: spec.customProperties === undefined ? (consumption ? null : customProperties()) : spec.customProperties,
    virtualNetworkType: vnet?.type ?? 'None',
    certificates: null,
    ...(spec.enableClientCertificate === undefined ? {} : { enableClientCertificate: spec.enableClientCertificate }),
    disableGateway: spec.disableGateway ?? false,
    natGatewayState: 'Disabled',
    outboundPublicIPAddresses: consumption ? null : [publicIp(id, 'primary')],
    apiVersionConstraint: spec.minApiVersion === null ? null : { minApiVersion: spec.minApiVersion ?? '2021-08-01' },
    publicIpAddressId: null,
    publicNetworkAccess: spec.publicNetworkAccess ?? 'Enabled',
    privateEndpointConnections: spec.privateEndpoints === undefined || spec.privateEndpoints.length === 0 ? null : spec.privateEndpoints.map((endpoint) => privateEndpointConnection(spec, endpoint)),
    platformVersion: spec.platformVersion ?? (consumption ? 'mtv1' : 'stv2'),
    developerPortalStatus: consumption ? null : (spec.developerPortalStatus ?? 'Enabled'),
    legacyPortalStatus: consumption ? null : 'Disabled',
  };
  return {
    id,
    name: spec.name,
    type: 'Microsoft.ApiManagement/service',
    tags: spec.tags === undefined ? {} : spec.tags,
    location: spec.location,
    properties,
    sku: { name: spec.sku, capacity: consumption ? 0 : (spec.capacity ?? 1) },
    identity: identityBody(id, identityType),
    zones: spec.zones === undefined ? null : spec.zones,
    systemData: {
      createdBy: spec.createdBy ?? 'platform-team@contoso.com',
      createdByType: 'User',
      createdAt: spec.createdAt,
      lastModifiedBy: spec.createdBy ?? 'platform-team@contoso.com',
      lastModifiedByType: 'User',
      lastModifiedAt: spec.createdAt,
    },
  };
}

function hostnames(host: string, domains: readonly CustomDomainSpec[]): JsonObject[] {
  const builtIn: JsonObject = {
    type: 'Proxy',
    hostName: `${host}.azure-api.net`,
    encodedCertificate: null,
    keyVaultId: null,
    certificatePassword: null,
    negotiateClientCertificate: false,
    certificate: null,
    defaultSslBinding: domains.length === 0,
    identityClientId: null,
    certificateSource: 'BuiltIn',
    certificateStatus: null,
  };
  return [
    builtIn,
    ...domains.map((domain, index) => ({
      type: domain.type,
      hostName: domain.hostName,
      encodedCertificate: null,
      keyVaultId: domain.keyVaultId ?? null,
      certificatePassword: null,
      negotiateClientCertificate: false,
      certificate: {
        expiry: domain.expiry,
        thumbprint: createHash('sha1').update(domain.hostName + domain.expiry).digest('hex').toUpperCase(),
        subject: `CN=${domain.hostName}`,
      },
      defaultSslBinding: index === 0 && domain.type === 'Proxy',
      identityClientId: null,
      certificateSource: domain.keyVaultId === undefined ? 'Custom' : 'KeyVault',
      certificateStatus: null,
    })),
  ];
}

function additionalLocation(id: string, host: string, spec: ServiceSpec, region: RegionSpec): JsonObject {
  const key = region.location.replace(/\s+/g, '').toLowerCase();
  return {
    location: region.location,
    sku: { name: spec.sku, capacity: region.capacity },
    zones: region.zones === undefined ? null : region.zones,
    publicIPAddresses: [publicIp(id, key)],
    privateIPAddresses: spec.virtualNetwork?.type === 'Internal' ? [privateIp(id, key)] : null,
    virtualNetworkConfiguration: null,
    gatewayRegionalUrl: `https://${host}-${key}-01.regional.azure-api.net`,
    natGatewayState: 'Disabled',
    outboundPublicIPAddresses: [publicIp(id, key)],
    disableGateway: region.disableGateway ?? false,
    publicIpAddressId: null,
    platformVersion: spec.platformVersion ?? 'stv2',
  };
}

function privateEndpointConnection(spec: ServiceSpec, endpoint: PrivateEndpointSpec): JsonObject {
  const id = serviceId(spec.subscriptionId, spec.resourceGroup, spec.name);
  return {
    id: `${id}/privateEndpointConnections/${endpoint.name}`,
    name: endpoint.name,
    type: 'Microsoft.ApiManagement/service/privateEndpointConnections',
    properties: {
      privateEndpoint: { id: privateEndpointId(spec, endpoint) },
      privateLinkServiceConnectionState: {
        status: endpoint.status,
        description: endpoint.status === 'Pending' ? 'Please approve my request, thanks' : endpoint.status === 'Approved' ? 'Auto-approved' : 'Rejected by the network team',
        actionsRequired: 'None',
      },
      provisioningState: 'Succeeded',
      groupIds: ['Gateway'],
    },
  };
}

function privateEndpointId(spec: ServiceSpec, endpoint: PrivateEndpointSpec): string {
  return `/subscriptions/${spec.subscriptionId}/resourceGroups/${endpoint.resourceGroup ?? spec.resourceGroup}/providers/Microsoft.Network/privateEndpoints/${endpoint.name}`;
}

/** The `Microsoft.Network/privateEndpoints` resources a service's connections point at (ARG rows). */
export function privateEndpointResources(spec: ServiceSpec): JsonObject[] {
  return (spec.privateEndpoints ?? []).map((endpoint) => ({
    id: privateEndpointId(spec, endpoint),
    name: endpoint.name,
    type: 'Microsoft.Network/privateEndpoints',
    location: spec.location,
    tags: spec.tags ?? {},
    properties: {
      provisioningState: 'Succeeded',
      privateLinkServiceConnections: [
        {
          name: endpoint.name,
          properties: {
            privateLinkServiceId: serviceId(spec.subscriptionId, spec.resourceGroup, spec.name),
            groupIds: ['Gateway'],
            privateLinkServiceConnectionState: { status: endpoint.status, actionsRequired: 'None' },
          },
        },
      ],
    },
  }));
}

function identityBody(id: string, type: ServiceSpec['identity']): JsonObject | null {
  if (type === null || type === undefined) return null;
  if (type === 'None') return { type: 'None' };
  const userAssigned = type.includes('UserAssigned')
    ? { [`${id.split('/providers/')[0] ?? ''}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-${id.split('/').pop() ?? 'apim'}`]: { principalId: guid(`${id}#uami-principal`), clientId: guid(`${id}#uami-client`) } }
    : null;
  return {
    type,
    principalId: type.includes('SystemAssigned') ? guid(`${id}#principal`) : null,
    tenantId: type.includes('SystemAssigned') ? guid(`${id}#tenant`) : null,
    userAssignedIdentities: userAssigned,
  };
}

// ── child resources ─────────────────────────────────────────────────────────────────────────────

export interface OperationSpec {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly urlTemplate: string;
  /** Operation-level policy XML. */
  readonly policy?: string;
}

export interface ApiSpec {
  readonly displayName?: string | null;
  readonly description?: string | null;
  readonly path?: string;
  readonly protocols: readonly ('http' | 'https' | 'ws' | 'wss')[];
  readonly serviceUrl?: string | null;
  readonly type?: 'http' | 'soap' | 'graphql' | 'websocket' | 'grpc';
  readonly subscriptionRequired?: boolean;
  /** A non-current revision (`apis/{name};rev=2`). */
  readonly revision?: number;
  readonly operations?: readonly OperationSpec[];
  /** API-level policy XML. */
  readonly policy?: string;
}

export interface BackendSpec {
  readonly url: string;
  readonly description?: string;
  readonly validateCertificateChain?: boolean;
  readonly validateCertificateName?: boolean;
  /** How the gateway authenticates to the backend; none when absent. */
  readonly credentials?: 'certificate' | 'header' | 'authorization' | 'managedIdentity';
}

export interface ProductSpec {
  readonly displayName?: string | null;
  readonly description?: string | null;
  readonly terms?: string | null;
  /** `undefined` leaves the property out (absent counts as not required). */
  readonly subscriptionRequired?: boolean;
  readonly approvalRequired?: boolean;
  readonly state?: 'published' | 'notPublished';
  readonly policy?: string;
}

export interface NamedValueSpec {
  readonly secret: boolean;
  /** Plain value (not returned for secrets). */
  readonly value?: string;
  /** Key Vault secret URI; makes the value a Key Vault reference. */
  readonly keyVault?: string;
}

export interface ApiSubscriptionSpec {
  readonly displayName: string;
  /** `all` = every API (`…/apis`), else `product:<id>` or `api:<id>`. */
  readonly scope: 'all' | `product:${string}` | `api:${string}`;
  readonly state: 'active' | 'suspended' | 'submitted' | 'cancelled' | 'expired' | 'rejected';
}

export interface DiagnosticSettingSpec {
  readonly workspaceId?: string;
  readonly storageAccountId?: string;
  readonly eventHubAuthorizationRuleId?: string;
  /** Category groups (`allLogs`, `audit`) or categories (`GatewayLogs`), each enabled. */
  readonly logs: readonly string[];
  readonly metrics?: boolean;
}

export type AssessmentStatus = 'Healthy' | 'Unhealthy' | 'NotApplicable';

export interface WorkspaceSpec {
  readonly displayName: string;
  readonly description: string;
  readonly policy?: string;
  readonly apis?: readonly { readonly name: string; readonly policy?: string; readonly operations?: readonly OperationSpec[] }[];
  readonly products?: readonly { readonly name: string; readonly policy?: string }[];
}

interface AddedApi {
  readonly name: string;
  readonly id: string;
  readonly type: string;
  readonly isCurrent: boolean;
  readonly operations: readonly string[];
}

/**
 * Adds child and extension resources under one service. Keeps track of the APIs it added so
 * Defender onboarding and assessments can follow them.
 */
export class ServiceChildren {
  readonly resources: JsonObject[] = [];
  readonly id: string;
  private readonly apis: AddedApi[] = [];

  constructor(service: JsonObject) {
    this.id = String(service['id']);
  }

  api(name: string, spec: ApiSpec): this {
    const entityName = spec.revision === undefined ? name : `${name};rev=${spec.revision}`;
    const id = `${this.id}/apis/${entityName}`;
    const type = spec.type ?? 'http';
    this.add(id, 'Microsoft.ApiManagement/service/apis', entityName, {
      displayName: spec.displayName === undefined ? titleCase(name) : spec.displayName,
      apiRevision: String(spec.revision ?? 1),
      description: spec.description === undefined ? `${titleCase(name)} API` : spec.description,
      subscriptionRequired: spec.subscriptionRequired ?? true,
      serviceUrl: spec.serviceUrl === undefined ? `https://${name}.internal.contoso.com` : spec.serviceUrl,
      path: spec.path ?? name,
      protocols: [...spec.protocols],
      authenticationSettings: { oAuth2: null, openid: null },
      subscriptionKeyParameterNames: { header: 'Ocp-Apim-Subscription-Key', query: 'subscription-key' },
      type,
      isCurrent: spec.revision === undefined,
      ...(spec.revision === undefined ? {} : { apiRevisionDescription: 'Next revision' }),
    });
    if (spec.policy !== undefined) this.add(`${id}/policies/policy`, 'Microsoft.ApiManagement/service/apis/policies', 'policy', { format: 'xml', value: spec.policy });
    for (const operation of spec.operations ?? []) {
      const operationId = `${id}/operations/${operation.name}`;
      this.add(operationId, 'Microsoft.ApiManagement/service/apis/operations', operation.name, {
        displayName: titleCase(operation.name),
        method: operation.method,
        urlTemplate: operation.urlTemplate,
        templateParameters: [],
        description: null,
        responses: [],
        policies: null,
      });
      if (operation.policy !== undefined) {
        this.add(`${operationId}/policies/policy`, 'Microsoft.ApiManagement/service/apis/operations/policies', 'policy', { format: 'xml', value: operation.policy });
      }
    }
    this.apis.push({ name: entityName, id, type, isCurrent: spec.revision === undefined, operations: (spec.operations ?? []).map((operation) => operation.name) });
    return this;
  }

  backend(name: string, spec: BackendSpec): this {
    this.add(`${this.id}/backends/${name}`, 'Microsoft.ApiManagement/service/backends', name, {
      title: null,
      description: spec.description ?? `${titleCase(name)} backend`,
      url: spec.url,
      protocol: 'http',
      resourceId: null,
      properties: {},
      credentials: backendCredentials(name, spec.credentials),
      proxy: null,
      tls: { validateCertificateChain: spec.validateCertificateChain ?? true, validateCertificateName: spec.validateCertificateName ?? true },
      circuitBreaker: null,
      pool: null,
      type: 'Single',
    });
    return this;
  }

  product(name: string, spec: ProductSpec): this {
    const id = `${this.id}/products/${name}`;
    this.add(id, 'Microsoft.ApiManagement/service/products', name, {
      displayName: spec.displayName === undefined ? titleCase(name) : spec.displayName,
      description: spec.description === undefined ? `${titleCase(name)} product` : spec.description,
      terms: spec.terms === undefined ? null : spec.terms,
      ...(spec.subscriptionRequired === undefined ? {} : { subscriptionRequired: spec.subscriptionRequired }),
      ...(spec.approvalRequired === undefined ? {} : { approvalRequired: spec.approvalRequired }),
      subscriptionsLimit: spec.subscriptionRequired === true ? 10 : null,
      state: spec.state ?? 'published',
    });
    if (spec.policy !== undefined) this.add(`${id}/policies/policy`, 'Microsoft.ApiManagement/service/products/policies', 'policy', { format: 'xml', value: spec.policy });
    return this;
  }

  /** Starter and Unlimited as APIM creates them on classic tiers (PSRule flags both). */
  sampleProducts(): this {
    this.product('starter', {
      displayName: 'Starter',
      description: 'Subscribers will be able to run 5 calls/minute up to a maximum of 100 calls/week.',
      terms: '',
      subscriptionRequired: true,
      approvalRequired: false,
      policy: policyXml({ inbound: ['<rate-limit calls="5" renewal-period="60" />', '<quota calls="100" renewal-period="604800" />'] }),
    });
    return this.product('unlimited', {
      displayName: 'Unlimited',
      description: 'Subscribers have completely unlimited access to the API. Administrator approval is required.',
      terms: null,
      subscriptionRequired: true,
      approvalRequired: true,
    });
  }

  namedValue(name: string, spec: NamedValueSpec): this {
    this.add(`${this.id}/namedValues/${name}`, 'Microsoft.ApiManagement/service/namedValues', name, {
      displayName: name,
      // Secret values are never returned by a list or GET.
      ...(spec.secret || spec.keyVault !== undefined ? {} : { value: spec.value ?? 'value' }),
      tags: [],
      secret: spec.secret,
      keyVault:
        spec.keyVault === undefined
          ? null
          : { secretIdentifier: spec.keyVault, identityClientId: null, lastStatus: { code: 'Success', message: null, timeStampUtc: '2026-11-28T06:12:44.123Z' } },
    });
    return this;
  }

  subscription(name: string, spec: ApiSubscriptionSpec): this {
    const scope = spec.scope === 'all' ? `${this.id}/apis` : `${this.id}/${spec.scope.startsWith('product:') ? 'products' : 'apis'}/${spec.scope.slice(spec.scope.indexOf(':') + 1)}`;
    this.add(`${this.id}/subscriptions/${name}`, 'Microsoft.ApiManagement/service/subscriptions', name, {
      ownerId: spec.scope === 'all' ? null : `${this.id}/users/1`,
      scope,
      displayName: spec.displayName,
      state: spec.state,
      createdDate: '2024-02-01T09:30:00.000Z',
      startDate: spec.state === 'active' ? '2024-02-01T00:00:00Z' : null,
      expirationDate: null,
      endDate: null,
      notificationDate: null,
      stateComment: null,
      allowTracing: spec.scope === 'all',
    });
    return this;
  }

  /** The built-in all-access subscription every classic-tier service has (scope `/apis`). */
  masterSubscription(state: ApiSubscriptionSpec['state']): this {
    return this.subscription('master', { displayName: 'Built-in all-access subscription', scope: 'all', state });
  }

  globalPolicy(xml: string): this {
    this.add(`${this.id}/policies/policy`, 'Microsoft.ApiManagement/service/policies', 'policy', { format: 'xml', value: xml });
    return this;
  }

  portalConfig(spec: { readonly enableBasicAuth: boolean | null; readonly requireSignin?: boolean }): this {
    this.add(`${this.id}/portalconfigs/default`, 'Microsoft.ApiManagement/service/portalconfigs', 'default', {
      ...(spec.enableBasicAuth === null ? {} : { enableBasicAuth: spec.enableBasicAuth }),
      signin: { require: spec.requireSignin ?? false },
      signup: { termsOfService: { text: 'Contoso API terms of use', requireConsent: true } },
      delegation: { delegateRegistration: false, delegateSubscription: false, delegationUrl: null, validationKey: null },
      cors: { allowedOrigins: [] },
      csp: { mode: 'disabled', reportUri: [], allowedSources: [] },
    });
    return this;
  }

  /** `portalsettings` signin / signup / delegation, as the 2024-05-01 example lists them. */
  portalSettings(spec: { readonly signupEnabled: boolean; readonly termsConsentRequired: boolean }): this {
    const base = `${this.id}/portalsettings`;
    const type = 'Microsoft.ApiManagement/service/portalsettings';
    this.add(`${base}/delegation`, type, 'delegation', { subscriptions: { enabled: false }, userRegistration: { enabled: false }, enabled: false, url: null });
    this.add(`${base}/signin`, type, 'signin', { enabled: true });
    this.add(`${base}/signup`, type, 'signup', {
      enabled: spec.signupEnabled,
      termsOfService: { text: 'Contoso API terms of use', enabled: spec.termsConsentRequired, consentRequired: spec.termsConsentRequired },
    });
    return this;
  }

  identityProvider(type: 'aad' | 'aadB2C' | 'google' | 'microsoft' | 'facebook' | 'twitter'): this {
    const entra = type === 'aad' || type === 'aadB2C';
    this.add(`${this.id}/identityProviders/${type}`, 'Microsoft.ApiManagement/service/identityProviders', type, {
      type,
      signinTenant: type === 'aadB2C' ? 'contosob2c.onmicrosoft.com' : null,
      allowedTenants: entra ? [type === 'aadB2C' ? 'contosob2c.onmicrosoft.com' : 'contoso.onmicrosoft.com'] : null,
      authority: type === 'aad' ? 'login.microsoftonline.com' : type === 'aadB2C' ? 'contosob2c.b2clogin.com' : null,
      signupPolicyName: type === 'aadB2C' ? 'B2C_1_signup' : null,
      signinPolicyName: type === 'aadB2C' ? 'B2C_1_signin' : null,
      profileEditingPolicyName: null,
      passwordResetPolicyName: null,
      clientLibrary: entra ? 'MSAL-2' : null,
      clientId: guid(`${this.id}#idp-${type}`),
      clientSecret: null,
    });
    return this;
  }

  /** The direct management (`access`) and Git (`gitAccess`) endpoints. */
  tenantAccess(spec: { readonly access: boolean; readonly gitAccess: boolean }): this {
    const type = 'Microsoft.ApiManagement/service/tenant';
    this.add(`${this.id}/tenant/access`, type, 'access', { id: 'access', principalId: 'integration', enabled: spec.access });
    this.add(`${this.id}/tenant/gitAccess`, type, 'gitAccess', { id: 'gitAccess', principalId: 'git', enabled: spec.gitAccess });
    return this;
  }

  diagnosticSetting(name: string, spec: DiagnosticSettingSpec): this {
    this.add(`${this.id}/providers/Microsoft.Insights/diagnosticSettings/${name}`, 'Microsoft.Insights/diagnosticSettings', name, {
      storageAccountId: spec.storageAccountId ?? null,
      serviceBusRuleId: null,
      workspaceId: spec.workspaceId ?? null,
      eventHubAuthorizationRuleId: spec.eventHubAuthorizationRuleId ?? null,
      eventHubName: null,
      metrics: spec.metrics === false ? [] : [{ category: 'AllMetrics', enabled: true, retentionPolicy: { enabled: false, days: 0 } }],
      logs: spec.logs.map((log) => ({
        category: /^(allLogs|audit)$/.test(log) ? null : log,
        categoryGroup: /^(allLogs|audit)$/.test(log) ? log : null,
        enabled: true,
        retentionPolicy: { enabled: false, days: 0 },
      })),
      logAnalyticsDestinationType: spec.workspaceId === undefined ? null : 'Dedicated',
    });
    return this;
  }

  /**
   * Onboards the current REST APIs added so far to Defender for APIs (`apiCollections`), except
   * those named in `except`, and writes the two Defender assessments for each of their operations.
   */
  defenderForApis(spec: { readonly except?: readonly string[]; readonly unauthenticated?: AssessmentStatus; readonly unused?: AssessmentStatus } = {}): this {
    for (const api of this.apis) {
      if (!api.isCurrent || api.type !== 'http' || (spec.except ?? []).includes(api.name)) continue;
      this.add(`${this.id}/providers/Microsoft.Security/apiCollections/${api.name}`, 'Microsoft.Security/apiCollections', api.name, {
        provisioningState: 'Succeeded',
        displayName: titleCase(api.name),
        discoveredVia: api.id,
        baseUrl: `https://${this.id.split('/').pop() ?? ''}.azure-api.net/${api.name}`,
        numberOfApiEndpoints: api.operations.length,
        numberOfInactiveApiEndpoints: spec.unused === 'Unhealthy' ? 1 : 0,
        numberOfUnauthenticatedApiEndpoints: spec.unauthenticated === 'Unhealthy' ? 1 : 0,
        numberOfExternalApiEndpoints: api.operations.length,
        numberOfApiEndpointsWithSensitiveDataExposed: 0,
        sensitivityLabel: '',
      });
      api.operations.forEach((operation, index) => {
        // Only the first operation carries a finding, so one API shows both healthy and unhealthy.
        const unauthenticated = index === 0 ? (spec.unauthenticated ?? 'Healthy') : 'Healthy';
        const unused = index === 0 ? (spec.unused ?? 'Healthy') : 'Healthy';
        this.assessment(`${api.id}/operations/${operation}`, UNAUTHENTICATED_ENDPOINTS, 'API endpoints in Azure API Management should be authenticated', unauthenticated);
        this.assessment(`${api.id}/operations/${operation}`, UNUSED_ENDPOINTS, 'API endpoints that are unused should be disabled and removed from the Azure API Management service', unused);
      });
    }
    return this;
  }

  private assessment(operationId: string, name: string, displayName: string, status: AssessmentStatus): void {
    this.resources.push(securityAssessment(operationId, name, displayName, status));
  }

  /**
   * A GraphQL resolver of an API added before, with its policy. Resolver policies are data-source
   * documents (`<http-data-source>`), not `<policies>` with sections.
   */
  resolver(api: string, name: string, spec: { readonly path: string; readonly policy: string }): this {
    const id = `${this.id}/apis/${api}/resolvers/${name}`;
    this.add(id, 'Microsoft.ApiManagement/service/apis/resolvers', name, { displayName: titleCase(name), path: spec.path, description: null });
    this.add(`${id}/policies/policy`, 'Microsoft.ApiManagement/service/apis/resolvers/policies', 'policy', { format: 'xml', value: spec.policy });
    return this;
  }

  /** A workspace (2024-05-01) with its own policy, APIs (operations, policies) and products (policies). */
  workspace(name: string, spec: WorkspaceSpec): this {
    const id = `${this.id}/workspaces/${name}`;
    const base = 'Microsoft.ApiManagement/service/workspaces';
    this.add(id, base, name, { displayName: spec.displayName, description: spec.description });
    const policy = (scopeId: string, type: string, xml: string | undefined): void => {
      if (xml !== undefined) this.add(`${scopeId}/policies/policy`, `${type}/policies`, 'policy', { format: 'xml', value: xml });
    };
    policy(id, base, spec.policy);
    for (const api of spec.apis ?? []) {
      const apiId = `${id}/apis/${api.name}`;
      this.add(apiId, `${base}/apis`, api.name, {
        displayName: titleCase(api.name),
        apiRevision: '1',
        description: `${titleCase(api.name)} API`,
        subscriptionRequired: true,
        path: `${name}/${api.name}`,
        protocols: ['https'],
        type: 'http',
        isCurrent: true,
      });
      policy(apiId, `${base}/apis`, api.policy);
      for (const operation of api.operations ?? []) {
        const operationId = `${apiId}/operations/${operation.name}`;
        this.add(operationId, `${base}/apis/operations`, operation.name, { displayName: titleCase(operation.name), method: operation.method, urlTemplate: operation.urlTemplate, templateParameters: [], responses: [] });
        policy(operationId, `${base}/apis/operations`, operation.policy);
      }
    }
    for (const product of spec.products ?? []) {
      const productId = `${id}/products/${product.name}`;
      this.add(productId, `${base}/products`, product.name, { displayName: titleCase(product.name), description: `${titleCase(product.name)} product`, subscriptionRequired: true, approvalRequired: true, state: 'published' });
      policy(productId, `${base}/products`, product.policy);
    }
    return this;
  }

  private add(id: string, type: string, name: string, properties: JsonObject): void {
    this.resources.push({ id, type, name, properties });
  }
}

/**
 * A Defender for Cloud assessment of one resource, as `Assessments_List` (api-version 2021-06-01)
 * returns it: an extension resource under the assessed resource, named by the recommendation GUID,
 * with `resourceDetails`, `displayName`, `status` and `additionalData` (the list has no `metadata`;
 * that comes only from a GET with `$expand=metadata`).
 */
export function securityAssessment(resourceId: string, name: string, displayName: string, status: AssessmentStatus): JsonObject {
  return {
    id: `${resourceId}/providers/Microsoft.Security/assessments/${name}`,
    type: 'Microsoft.Security/assessments',
    name,
    properties: {
      resourceDetails: { source: 'Azure', id: resourceId },
      displayName,
      status: {
        code: status,
        ...(status === 'Unhealthy' ? { description: 'The endpoint failed the assessment.' } : {}),
        ...(status === 'NotApplicable' ? { cause: 'NoTraffic', description: 'No traffic was observed for the endpoint.' } : {}),
        firstEvaluationDate: '2026-10-02T04:11:09.000Z',
        statusChangeDate: '2026-11-20T04:11:09.000Z',
      },
      additionalData: {},
    },
  };
}

/** Defender for APIs recommendation GUIDs (APIM-038, APIM-039). */
export const UNAUTHENTICATED_ENDPOINTS = '91af2040-7874-4659-abf0-578e1f8d07dc';
export const UNUSED_ENDPOINTS = '4e8c00a2-e8bc-42a8-9e12-99584a51ad10';

function backendCredentials(name: string, kind: BackendSpec['credentials']): JsonObject | null {
  switch (kind) {
    case undefined:
      return null;
    case 'certificate':
      return { certificateIds: [`/certificates/${name}-client`], certificate: [], query: {}, header: {}, authorization: null };
    case 'header':
      return { certificateIds: [], certificate: [], query: {}, header: { 'x-functions-key': [`{{${name}-key}}`] }, authorization: null };
    case 'authorization':
      return { certificateIds: [], certificate: [], query: {}, header: {}, authorization: { scheme: 'Bearer', parameter: `{{${name}-token}}` } };
    case 'managedIdentity':
      return { certificateIds: [], certificate: [], query: {}, header: {}, authorization: null, managedIdentity: { clientId: null, resource: `api://${name}` } };
  }
}

// ── policy documents ────────────────────────────────────────────────────────────────────────────

export interface PolicySections {
  readonly inbound?: readonly string[];
  readonly backend?: readonly string[];
  readonly outbound?: readonly string[];
  readonly onError?: readonly string[];
  /** Sections that leave out `<base />` (an API/product/operation policy then stops inheriting). */
  readonly withoutBase?: readonly ('inbound' | 'backend' | 'outbound' | 'on-error')[];
  /** The service-level policy has no parent, so no `<base />` at all. */
  readonly global?: boolean;
}

/** A policy document formatted the way APIM returns it (`\r\n`, tabs). */
export function policyXml(sections: PolicySections = {}): string {
  const section = (name: 'inbound' | 'backend' | 'outbound' | 'on-error', body: readonly string[] | undefined, fallback: readonly string[] = []): string => {
    const inner = [...(sections.global === true || (sections.withoutBase ?? []).includes(name) ? [] : ['<base />']), ...(body ?? fallback)];
    return inner.length === 0 ? `\t<${name} />` : `\t<${name}>\r\n${inner.map((line) => `\t\t${line}`).join('\r\n')}\r\n\t</${name}>`;
  };
  return [
    '<policies>',
    section('inbound', sections.inbound),
    section('backend', sections.backend, sections.global === true ? ['<forward-request />'] : []),
    section('outbound', sections.outbound),
    section('on-error', sections.onError),
    '</policies>',
  ].join('\r\n');
}

export function corsPolicy(origins: readonly string[], methods: readonly string[] = ['GET', 'POST'], headers: readonly string[] = ['content-type', 'authorization']): string {
  return [
    '<cors allow-credentials="false">',
    `\t<allowed-origins>${origins.map((origin) => `<origin>${origin}</origin>`).join('')}</allowed-origins>`,
    `\t<allowed-methods>${methods.map((method) => `<method>${method}</method>`).join('')}</allowed-methods>`,
    `\t<allowed-headers>${headers.map((header) => `<header>${header}</header>`).join('')}</allowed-headers>`,
    '</cors>',
  ].join('\r\n\t\t');
}

// ── other tracked resources (ARG rows) ──────────────────────────────────────────────────────────

export function autoscaleSetting(spec: {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly location: string;
  readonly target: string;
  readonly enabled: boolean;
  readonly minimum?: number;
  readonly maximum?: number;
}): JsonObject {
  return {
    id: `/subscriptions/${spec.subscriptionId}/resourceGroups/${spec.resourceGroup}/providers/microsoft.insights/autoscalesettings/${spec.name}`,
    name: spec.name,
    type: 'Microsoft.Insights/autoscalesettings',
    location: spec.location,
    tags: {},
    properties: {
      profiles: [
        {
          name: 'Auto created default scale condition',
          capacity: { minimum: String(spec.minimum ?? 1), maximum: String(spec.maximum ?? 3), default: String(spec.minimum ?? 1) },
          rules: [
            {
              metricTrigger: { metricName: 'Capacity', metricNamespace: 'microsoft.apimanagement/service', metricResourceUri: spec.target, timeGrain: 'PT1M', statistic: 'Average', timeWindow: 'PT10M', timeAggregation: 'Average', operator: 'GreaterThan', threshold: 70 },
              scaleAction: { direction: 'Increase', type: 'ChangeCount', value: '1', cooldown: 'PT60M' },
            },
          ],
        },
      ],
      notifications: [],
      enabled: spec.enabled,
      name: spec.name,
      targetResourceUri: spec.target,
      targetResourceLocation: spec.location,
      predictiveAutoscalePolicy: { scaleMode: 'Disabled', scaleLookAheadTime: null },
    },
  };
}

/** A tracked resource of any other type (workspaces, vaults, networks): realistic ARG noise. */
export function trackedResource(spec: { readonly subscriptionId: string; readonly resourceGroup: string; readonly provider: string; readonly name: string; readonly location: string; readonly tags?: Readonly<Record<string, string>>; readonly properties?: JsonObject; readonly sku?: JsonObject }): JsonObject {
  return {
    id: `/subscriptions/${spec.subscriptionId}/resourceGroups/${spec.resourceGroup}/providers/${spec.provider}/${spec.name}`,
    name: spec.name,
    type: spec.provider,
    location: spec.location,
    tags: spec.tags ?? {},
    ...(spec.sku === undefined ? {} : { sku: spec.sku }),
    properties: spec.properties ?? { provisioningState: 'Succeeded' },
  };
}

// ── small deterministic helpers ────────────────────────────────────────────────────────────────

/** A GUID-shaped value derived from text, so seeded ids never change between runs. */
export function guid(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'.charAt(parseInt(hex.charAt(16), 16) % 4)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function publicIp(id: string, salt: string): string {
  const bytes = createHash('sha256').update(`${id}#${salt}`).digest();
  return `20.${(bytes[0] ?? 0) % 200}.${bytes[1] ?? 0}.${1 + ((bytes[2] ?? 0) % 250)}`;
}

function privateIp(id: string, salt: string): string {
  const bytes = createHash('sha256').update(`${id}#${salt}#private`).digest();
  return `10.${(bytes[0] ?? 0) % 100}.${(bytes[1] ?? 0) % 16}.${4 + ((bytes[2] ?? 0) % 200)}`;
}

function titleCase(name: string): string {
  return name
    .split(/[-_;=]/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join(' ');
}
