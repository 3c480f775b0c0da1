import {
  apimService,
  autoscaleSetting,
  corsPolicy,
  customProperties,
  type OperationSpec,
  policyXml,
  privateEndpointResources,
  securityAssessment,
  ServiceChildren,
  type ServiceSpec,
  trackedResource,
} from './shapes.js';
import type { JsonObject, SandboxData, SandboxSubscription } from './types.js';

/**
 * The seeded estate the sandbox serves by default: four subscriptions (two production, one dev,
 * one lab) and sixteen API Management services whose postures between them pass and fail every
 * rule family of the catalog. It is built by code from posture descriptions, and it is
 * deterministic: the same ids, ETags and values on every run. Certificate expiries are relative to
 * {@link SEED_DATE}, the day the estate describes.
 */

export const SEED_DATE = '2026-11-29';
export const SEED_TENANT_ID = 'e4c8a1b9-3f27-4d6a-9b05-7c2e18f4d6a3';

export const SEED_SUBSCRIPTIONS = {
  paymentsProd: { subscriptionId: '3f6b9c2e-7a41-4d8e-b5c0-91e2d4a7f013', name: 'payments-prod', tags: { env: 'prod', costCenter: 'CC-4410', owner: 'team-payments' } },
  identityProd: { subscriptionId: 'a81d4e57-0c92-4b3f-8e6a-5d27c19f4b88', name: 'identity-prod', tags: { env: 'prod', costCenter: 'CC-4420', owner: 'team-identity' } },
  sharedDev: { subscriptionId: '5c0e8b21-d3f4-4a69-9172-e84b6f3a0d5c', name: 'shared-dev', tags: { env: 'dev', costCenter: 'CC-4900', owner: 'platform-team' } },
  labSandbox: { subscriptionId: 'd97a2f04-6b18-4e3c-a0d5-37c8e91b6f2a', name: 'lab-sandbox', tags: { env: 'sandbox', owner: 'platform-team' } },
} as const satisfies Record<string, SandboxSubscription>;

const PAYMENTS = SEED_SUBSCRIPTIONS.paymentsProd.subscriptionId;
const IDENTITY = SEED_SUBSCRIPTIONS.identityProd.subscriptionId;
const DEV = SEED_SUBSCRIPTIONS.sharedDev.subscriptionId;
const LAB = SEED_SUBSCRIPTIONS.labSandbox.subscriptionId;

/** Certificate expiries relative to the seed date (APIM-015 fails within 30 days). */
const CERT = {
  valid: '2027-08-14T23:59:59+00:00',
  expiringIn13Days: '2026-12-12T12:00:00+00:00',
  expired: '2026-11-02T08:00:00+00:00',
} as const;

const workspace = (subscriptionId: string, group: string, name: string): string =>
  `/subscriptions/${subscriptionId}/resourceGroups/${group}/providers/Microsoft.OperationalInsights/workspaces/${name}`;
const subnet = (subscriptionId: string, group: string, network: string, name: string): string =>
  `/subscriptions/${subscriptionId}/resourceGroups/${group}/providers/Microsoft.Network/virtualNetworks/${network}/subnets/${name}`;

const LAW_PAYMENTS = workspace(PAYMENTS, 'rg-monitoring', 'law-payments-prod');
const LAW_IDENTITY = workspace(IDENTITY, 'rg-monitoring', 'law-identity-prod');
const LAW_DEV = workspace(DEV, 'rg-monitoring', 'law-shared-dev');

/** One seeded service: what it is, how it is built, and why it is in the estate. */
interface SeededService {
  readonly spec: ServiceSpec;
  /** One line on the posture it brings (shown by `apim-posture sandbox --list` and in docs). */
  readonly posture: string;
  readonly children?: (children: ServiceChildren) => void;
  readonly autoscale?: { readonly enabled: boolean };
}

// ── child presets ───────────────────────────────────────────────────────────────────────────────

const operations = (...specs: string[]): OperationSpec[] =>
  specs.map((spec) => {
    const [name = 'op', method = 'GET', urlTemplate = '/'] = spec.split(' ');
    return { name, method: method as OperationSpec['method'], urlTemplate };
  });

/** Every section inherits (`<base />`), with extra inbound policy. */
const inheriting = (...inbound: string[]): string => policyXml({ inbound });

/** Hardened service-wide settings: no wildcards, Entra ID sign-in only, endpoints off, logs kept. */
function secureBaseline(children: ServiceChildren, workspaceId: string): void {
  children
    .globalPolicy(policyXml({ global: true, inbound: [corsPolicy(['https://portal.contoso.com', 'https://app.contoso.com'])] }))
    .portalConfig({ enableBasicAuth: false, requireSignin: true })
    .portalSettings({ signupEnabled: false, termsConsentRequired: true })
    .identityProvider('aad')
    .tenantAccess({ access: false, gitAccess: false })
    .diagnosticSetting('send-to-law', { workspaceId, logs: ['allLogs'] })
    .masterSubscription('suspended');
}

/** What an untouched classic-tier service looks like after years of "temporary" changes. */
function legacyBaseline(children: ServiceChildren): void {
  children
    .globalPolicy(policyXml({ global: true, inbound: [corsPolicy(['*'], ['*'], ['*'])] }))
    .portalConfig({ enableBasicAuth: true })
    .portalSettings({ signupEnabled: true, termsConsentRequired: false })
    .tenantAccess({ access: true, gitAccess: true })
    .masterSubscription('active')
    .sampleProducts();
}

/** A product that passes every product rule (APIM-030…034). */
const partnerProduct = {
  displayName: 'Partners',
  description: 'Contracted partner integrations, approved by the API product owner.',
  terms: 'Use of these APIs is governed by the Contoso partner agreement v3.',
  subscriptionRequired: true,
  approvalRequired: true,
  policy: inheriting('<rate-limit-by-key calls="600" renewal-period="60" counter-key="@(context.Subscription.Id)" />'),
} as const;

// ── the services ────────────────────────────────────────────────────────────────────────────────

const SERVICES: readonly SeededService[] = [
  // payments-prod ────────────────────────────────────────────────────────────────────────────────
  {
    posture: 'gold standard: Premium, 3 zones in 2 regions, Internal VNet, hardened TLS, Key Vault certificates and secrets, Defender for APIs, logs, autoscale',
    spec: {
      subscriptionId: PAYMENTS, resourceGroup: 'rg-payments-prod', name: 'apim-payments-prod-weu', location: 'West Europe',
      sku: 'Premium', capacity: 3, zones: ['1', '2', '3'], tags: { env: 'prod', owner: 'team-payments', costCenter: 'CC-4410' },
      identity: 'SystemAssigned', createdAt: '2023-03-14T10:22:31.4418202Z',
      virtualNetwork: { type: 'Internal', subnetResourceId: subnet(PAYMENTS, 'rg-network', 'vnet-payments-weu', 'snet-apim') },
      additionalLocations: [{ location: 'North Europe', capacity: 3, zones: ['1', '2', '3'] }],
      customDomains: [
        { type: 'Proxy', hostName: 'api.payments.contoso.com', expiry: CERT.valid, keyVaultId: 'https://kv-payments-prod.vault.azure.net/secrets/api-payments-tls' },
        { type: 'DeveloperPortal', hostName: 'developer.payments.contoso.com', expiry: CERT.valid, keyVaultId: 'https://kv-payments-prod.vault.azure.net/secrets/portal-payments-tls' },
      ],
    },
    autoscale: { enabled: true },
    children: (c) => {
      c.api('payments', { displayName: 'Payments', description: 'Card and SEPA payment intake.', protocols: ['https'], serviceUrl: 'https://payments.internal.contoso.com/api', operations: operations('create-payment POST /payments', 'get-payment GET /payments/{id}'), policy: inheriting('<validate-jwt header-name="Authorization" failed-validation-httpcode="401" />') })
        .api('refunds', { displayName: 'Refunds', description: 'Refunds for captured payments.', protocols: ['https'], serviceUrl: 'https://refunds.internal.contoso.com/api', operations: operations('create-refund POST /refunds', 'list-refunds GET /refunds') })
        .api('refunds', { revision: 2, displayName: 'Refunds', description: 'Refunds for captured payments (next revision).', protocols: ['https'], serviceUrl: 'https://refunds.internal.contoso.com/api' })
        .backend('ledger', { url: 'https://ledger.internal.contoso.com', credentials: 'certificate' })
        .backend('fraud-scoring', { url: 'https://fraud.internal.contoso.com/score', credentials: 'managedIdentity' })
        .product('partners', partnerProduct)
        .namedValue('psp-api-key', { secret: true, keyVault: 'https://kv-payments-prod.vault.azure.net/secrets/psp-api-key' })
        .namedValue('ledger-client-cert-password', { secret: true, keyVault: 'https://kv-payments-prod.vault.azure.net/secrets/ledger-cert-password' })
        .subscription('partner-acme', { displayName: 'ACME Corp', scope: 'product:partners', state: 'active' });
      secureBaseline(c, LAW_PAYMENTS);
      c.defenderForApis();
    },
  },
  {
    posture: 'multi-region Premium with gaps: East US 2 units below zones, West US 2 gateway disabled and no zones, External VNet, a weak cipher, certificate expiring in 13 days, tagged "environment" not "env"',
    spec: {
      subscriptionId: PAYMENTS, resourceGroup: 'rg-payments-edge', name: 'apim-payments-prod-eus2', location: 'East US 2',
      sku: 'Premium', capacity: 2, zones: ['1', '2', '3'], tags: { environment: 'prod', owner: 'team-payments' },
      identity: 'SystemAssigned, UserAssigned', createdAt: '2022-06-01T15:04:12.1209933Z',
      customProperties: customProperties({ on: ['Security.Ciphers.TripleDes168', 'Security.Ciphers.TLS_RSA_WITH_AES_128_CBC_SHA'], lowerCase: true }),
      virtualNetwork: { type: 'External', subnetResourceId: subnet(PAYMENTS, 'rg-network', 'vnet-payments-eus2', 'snet-apim') },
      additionalLocations: [{ location: 'West US 2', capacity: 1, zones: null, disableGateway: true }],
      customDomains: [{ type: 'Proxy', hostName: 'api-us.payments.contoso.com', expiry: CERT.expiringIn13Days }],
    },
    autoscale: { enabled: false },
    children: (c) => {
      c.api('payments-us', { displayName: 'Payments (US)', description: 'US card payments.', protocols: ['https'], serviceUrl: 'https://payments-us.internal.contoso.com', operations: operations('create-payment POST /payments', 'get-payment GET /payments/{id}'), policy: inheriting() })
        .api('payouts', { displayName: 'Payouts', description: null, protocols: ['http', 'https'], serviceUrl: 'https://payouts.internal.contoso.com', operations: operations('list-payouts GET /payouts') })
        .backend('acquirer', { url: 'https://acquirer.example.net/v2', validateCertificateName: false, credentials: 'header' })
        .product('partners', partnerProduct)
        .product('starter', { displayName: 'Starter', description: 'Subscribers will be able to run 5 calls/minute up to a maximum of 100 calls/week.', terms: '', subscriptionRequired: true, approvalRequired: false })
        .namedValue('acquirer-key', { secret: true })
        .namedValue('region-name', { secret: false, value: 'eastus2' })
        .masterSubscription('active')
        .globalPolicy(policyXml({ global: true, inbound: [corsPolicy(['https://app.contoso.com'])] }))
        .portalConfig({ enableBasicAuth: false })
        .portalSettings({ signupEnabled: false, termsConsentRequired: true })
        .identityProvider('aad')
        .tenantAccess({ access: false, gitAccess: true })
        // Metrics only: a diagnostic setting that keeps no logs.
        .diagnosticSetting('metrics-only', { workspaceId: LAW_PAYMENTS, logs: [] })
        .defenderForApis({ except: ['payouts'] });
    },
  },
  {
    posture: 'the worst: Standard, created 2017 (absent TLS keys default on), TLS 1.0 and backend TLS 1.1 on, no identity, stv1, public access with an approved private endpoint, expired certificate, no minimum API version, http APIs and backends, CORS *, missing <base />, basic auth, open endpoints, sample products, no logs, no Defender; tagged env "Prod"',
    spec: {
      subscriptionId: PAYMENTS, resourceGroup: 'rg-payments-prod', name: 'apim-payments-legacy', location: 'West Europe',
      sku: 'Standard', capacity: 1, tags: { env: 'Prod', owner: 'team-payments' },
      identity: null, createdAt: '2017-09-02T08:15:00.0000000Z', platformVersion: 'stv1', minApiVersion: null,
      customProperties: {
        'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10': 'True',
        'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls11': 'True',
        'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Ssl30': 'False',
      },
      privateEndpoints: [{ name: 'pe-apim-payments-legacy', status: 'Approved', resourceGroup: 'rg-network' }],
      customDomains: [{ type: 'Proxy', hostName: 'legacy-api.payments.contoso.com', expiry: CERT.expired }],
    },
    children: (c) => {
      c.api('orders', { displayName: 'Orders', description: 'Order intake', protocols: ['http', 'https'], serviceUrl: 'http://orders.internal.contoso.com', operations: operations('submit-order POST /orders', 'get-order GET /orders/{id}'), policy: policyXml({ inbound: ['<rate-limit calls="20" renewal-period="90" />'], withoutBase: ['inbound'] }) })
        .api('settlement', { displayName: 'Settlement', description: '', protocols: ['http'], serviceUrl: 'http://settlement.internal.contoso.com:8080', operations: operations('post-batch POST /batches') })
        .backend('ledger', { url: 'http://ledger.internal.contoso.com', validateCertificateChain: false })
        .backend('settlement-bank', { url: 'https://bank.example.com/settle', validateCertificateChain: false, validateCertificateName: false })
        .product('internal', { displayName: 'Internal', description: null, terms: null, subscriptionRequired: false })
        .namedValue('ledger-key', { secret: true })
        .namedValue('bank-password', { secret: true })
        .namedValue('settlement-url', { secret: false, value: 'http://settlement.internal.contoso.com:8080' });
      legacyBaseline(c);
    },
  },

  // identity-prod ────────────────────────────────────────────────────────────────────────────────
  {
    posture: 'private single-region Premium: public access disabled behind an approved private endpoint, no VNet, no zones, no second region; Defender reports an unauthenticated and an unused endpoint; lower-case "false" flags',
    spec: {
      subscriptionId: IDENTITY, resourceGroup: 'rg-identity', name: 'apim-identity-prod-neu', location: 'North Europe',
      sku: 'Premium', capacity: 1, tags: { env: 'prod', owner: 'team-identity' },
      identity: 'SystemAssigned', createdAt: '2024-01-09T12:00:41.0912345Z',
      customProperties: customProperties({ lowerCase: true }),
      publicNetworkAccess: 'Disabled',
      privateEndpoints: [{ name: 'pe-apim-identity-neu', status: 'Approved', resourceGroup: 'rg-network' }],
    },
    children: (c) => {
      c.api('tokens', { displayName: 'Token exchange', description: 'Exchanges partner tokens for Contoso tokens.', protocols: ['https'], operations: operations('exchange POST /token', 'jwks GET /.well-known/jwks.json'), policy: inheriting() })
        .api('profiles', { displayName: 'Profiles', description: 'Customer profile lookups.', protocols: ['https'], operations: operations('get-profile GET /profiles/{id}'), policy: inheriting('<validate-azure-ad-token tenant-id="contoso.onmicrosoft.com" />') })
        .backend('directory', { url: 'https://directory.internal.contoso.com', credentials: 'authorization' })
        .product('identity-partners', { ...partnerProduct, displayName: 'Identity partners' })
        .namedValue('directory-token', { secret: true, keyVault: 'https://kv-identity-prod.vault.azure.net/secrets/directory-token' })
        .namedValue('issuer', { secret: false, value: 'https://login.contoso.com' });
      secureBaseline(c, LAW_IDENTITY);
      c.defenderForApis({ unauthenticated: 'Unhealthy', unused: 'Unhealthy' });
    },
  },
  {
    posture: 'Standard with only a pending private endpoint, client TLS 1.1 on, user-assigned identity, B2C portal sign-in; tagged env=prod but no owner',
    spec: {
      subscriptionId: IDENTITY, resourceGroup: 'rg-identity', name: 'apim-identity-b2c-prod', location: 'West Europe',
      sku: 'Standard', capacity: 2, tags: { env: 'prod' },
      identity: 'UserAssigned', createdAt: '2021-11-23T09:45:00.0000000Z',
      customProperties: customProperties({ on: ['Security.Protocols.Tls11'] }),
      privateEndpoints: [{ name: 'pe-apim-identity-b2c', status: 'Pending', resourceGroup: 'rg-network' }],
      customDomains: [{ type: 'Proxy', hostName: 'id.contoso.com', expiry: CERT.valid, keyVaultId: 'https://kv-identity-prod.vault.azure.net/secrets/id-tls' }],
    },
    autoscale: { enabled: true },
    children: (c) => {
      c.api('signup', { displayName: 'Sign-up', description: 'Customer self-service sign-up.', protocols: ['https'], operations: operations('start POST /signup'), policy: inheriting() })
        .backend('b2c-hooks', { url: 'https://b2c-hooks.internal.contoso.com', credentials: 'header' })
        .product('customers', { displayName: 'Customers', description: 'Customer-facing identity APIs.', terms: 'Contoso customer terms.', subscriptionRequired: true, approvalRequired: false })
        .namedValue('hooks-key', { secret: true, keyVault: 'https://kv-identity-prod.vault.azure.net/secrets/hooks-key' })
        .masterSubscription('suspended')
        .globalPolicy(policyXml({ global: true }))
        .portalConfig({ enableBasicAuth: false })
        .portalSettings({ signupEnabled: true, termsConsentRequired: true })
        .identityProvider('aadB2C')
        .tenantAccess({ access: false, gitAccess: false })
        .diagnosticSetting('to-storage', { storageAccountId: `/subscriptions/${IDENTITY}/resourceGroups/rg-monitoring/providers/Microsoft.Storage/storageAccounts/stidentitylogs`, logs: ['audit'] })
        .defenderForApis();
    },
  },
  {
    posture: 'Basic ops gateway: identity type None, minimum API version 2019-12-01, autoscale setting disabled, Git endpoint enabled, HTTP/2 on',
    spec: {
      subscriptionId: IDENTITY, resourceGroup: 'rg-identity-ops', name: 'apim-identity-ops', location: 'West Europe',
      sku: 'Basic', capacity: 1, tags: { env: 'prod', owner: 'team-identity-ops' },
      identity: 'None', createdAt: '2020-05-18T07:30:00.0000000Z', minApiVersion: '2019-12-01',
      customProperties: customProperties({ on: ['Protocols.Server.Http2'] }),
    },
    autoscale: { enabled: false },
    children: (c) => {
      c.api('health', { displayName: 'Health', description: 'Synthetic health probes.', protocols: ['https'], subscriptionRequired: false, operations: operations('ping GET /ping') })
        .backend('probe-target', { url: 'https://probe.internal.contoso.com' })
        .product('ops', { displayName: 'Operations', description: 'Internal operations tooling.', terms: 'Internal use only.', subscriptionRequired: true, approvalRequired: true })
        .namedValue('probe-secret', { secret: true, keyVault: 'https://kv-identity-prod.vault.azure.net/secrets/probe-secret' })
        .masterSubscription('suspended')
        .globalPolicy(policyXml({ global: true }))
        .portalConfig({ enableBasicAuth: false })
        .portalSettings({ signupEnabled: false, termsConsentRequired: false })
        .identityProvider('aad')
        .tenantAccess({ access: false, gitAccess: true })
        .diagnosticSetting('to-law', { workspaceId: LAW_IDENTITY, logs: ['GatewayLogs'] });
    },
  },

  // shared-dev ───────────────────────────────────────────────────────────────────────────────────
  {
    posture: 'Developer tier (no SLA) in an External VNet, otherwise hardened; portal still allows basic auth next to Entra ID; sample products',
    spec: {
      subscriptionId: DEV, resourceGroup: 'rg-shared-dev', name: 'apim-shared-dev', location: 'West Europe',
      sku: 'Developer', capacity: 1, tags: { env: 'dev', owner: 'platform-team' },
      identity: 'SystemAssigned', createdAt: '2023-09-30T16:02:11.5550000Z',
      virtualNetwork: { type: 'External', subnetResourceId: subnet(DEV, 'rg-network-dev', 'vnet-shared-dev', 'snet-apim') },
    },
    children: (c) => {
      c.api('echo-api', { displayName: 'Echo API', description: null, protocols: ['https'], serviceUrl: 'http://echoapi.cloudapp.net/api', path: 'echo', operations: operations('retrieve-resource GET /resource', 'create-resource POST /resource') })
        .api('orders-sandbox', { displayName: 'Orders (sandbox)', description: 'Sandbox copy of the orders API.', protocols: ['https'], operations: operations('submit-order POST /orders'), policy: policyXml({ inbound: [corsPolicy(['*'])], withoutBase: ['outbound', 'on-error'] }) })
        .backend('orders-sandbox', { url: 'https://orders-sandbox.dev.contoso.com', validateCertificateChain: false })
        .namedValue('dev-key', { secret: true })
        .namedValue('feature-flags', { secret: false, value: 'beta=true' })
        .subscription('dev-team', { displayName: 'Developers', scope: 'api:orders-sandbox', state: 'active' })
        .globalPolicy(policyXml({ global: true }))
        .portalConfig({ enableBasicAuth: true })
        .portalSettings({ signupEnabled: true, termsConsentRequired: false })
        .identityProvider('aad')
        .tenantAccess({ access: false, gitAccess: false })
        .diagnosticSetting('to-law', { workspaceId: LAW_DEV, logs: ['allLogs'] })
        .masterSubscription('active')
        .sampleProducts();
    },
  },
  {
    posture: 'Consumption without client certificates (customProperties, VNet and portal rules not applicable); tagged "environment"',
    spec: {
      subscriptionId: DEV, resourceGroup: 'rg-integration-dev', name: 'apim-integration-dev', location: 'West Europe',
      sku: 'Consumption', tags: { environment: 'dev', owner: 'team-integration' },
      identity: 'SystemAssigned', createdAt: '2024-04-02T11:11:11.0000000Z', enableClientCertificate: false,
    },
    children: (c) => {
      c.api('webhooks', { displayName: 'Webhooks', description: 'Inbound partner webhooks.', protocols: ['https'], serviceUrl: 'https://func-webhooks-dev.azurewebsites.net/api', operations: operations('receive POST /hooks/{partner}') })
        .backend('func-webhooks', { url: 'https://func-webhooks-dev.azurewebsites.net/api', credentials: 'header' })
        .product('integration', { displayName: 'Integration', description: 'Partner webhooks.', terms: null, subscriptionRequired: true, approvalRequired: false })
        .namedValue('func-webhooks-key', { secret: true, keyVault: 'https://kv-integration-dev.vault.azure.net/secrets/func-key' })
        .masterSubscription('active')
        .globalPolicy(policyXml({ global: true }));
    },
  },
  {
    posture: 'Consumption with client certificates enforced (mTLS)',
    spec: {
      subscriptionId: DEV, resourceGroup: 'rg-integration-dev', name: 'apim-integration-dev-mtls', location: 'North Europe',
      sku: 'Consumption', tags: { env: 'dev', owner: 'team-integration' },
      identity: 'SystemAssigned', createdAt: '2024-04-02T11:40:00.0000000Z', enableClientCertificate: true,
    },
    children: (c) => {
      c.api('devices', { displayName: 'Devices', description: 'Device telemetry intake.', protocols: ['https'], operations: operations('ingest POST /telemetry'), policy: inheriting('<validate-client-certificate validate-revocation="true" validate-trust="true" />') })
        .namedValue('telemetry-endpoint', { secret: false, value: 'https://telemetry.dev.contoso.com' });
    },
  },
  {
    posture: 'untagged Standard with no identity, public access and no private endpoint or VNet, developer portal disabled, GraphQL/WebSocket/SOAP APIs, a GraphQL resolver policy',
    spec: {
      subscriptionId: DEV, resourceGroup: 'rg-partner-dev', name: 'apim-partner-dev', location: 'UK South',
      sku: 'Standard', capacity: 1, tags: null,
      identity: null, createdAt: '2022-02-10T10:10:10.0000000Z', minApiVersion: '2019-12-01', developerPortalStatus: 'Disabled',
    },
    children: (c) => {
      c.api('catalog-graphql', { type: 'graphql', displayName: 'Catalog GraphQL', description: 'Product catalog.', protocols: ['https'], serviceUrl: 'https://catalog.dev.contoso.com/graphql' })
        .resolver('catalog-graphql', 'query-products', {
          path: 'Query/products',
          policy: '<http-data-source>\r\n\t<http-request>\r\n\t\t<set-method>GET</set-method>\r\n\t\t<set-url>https://catalog.dev.contoso.com/api/products</set-url>\r\n\t</http-request>\r\n</http-data-source>',
        })
        .api('live-prices', { type: 'websocket', displayName: 'Live prices', description: 'Price ticks.', protocols: ['wss'], serviceUrl: 'wss://prices.dev.contoso.com/ws' })
        .api('legacy-soap', { type: 'soap', displayName: 'Legacy SOAP', description: 'Old partner integration.', protocols: ['https'], serviceUrl: 'https://soap.dev.contoso.com/service.svc', operations: operations('get-quote POST /?soapAction=GetQuote') })
        .backend('catalog', { url: 'https://catalog.dev.contoso.com' })
        .product('partners-dev', { displayName: 'Partners (dev)', description: 'Partner test access.', terms: 'Test data only.', subscriptionRequired: true, approvalRequired: false })
        .namedValue('catalog-secret', { secret: true, keyVault: 'https://kv-partner-dev.vault.azure.net/secrets/catalog' })
        .masterSubscription('suspended')
        .globalPolicy(policyXml({ global: true }))
        .portalConfig({ enableBasicAuth: null })
        .tenantAccess({ access: false, gitAccess: false });
    },
  },
  {
    posture: 'Basic created 2024 with only the protocol keys set (absent cipher keys mean enabled), autoscale on',
    spec: {
      subscriptionId: DEV, resourceGroup: 'rg-shared-dev', name: 'apim-basic-dev', location: 'West Europe',
      sku: 'Basic', capacity: 1, tags: { env: 'dev', owner: 'platform-team' },
      identity: 'SystemAssigned', createdAt: '2024-03-01T09:00:00.0000000Z',
      customProperties: customProperties({ omit: ['Security.Ciphers.TripleDes168', 'Security.Ciphers.TLS_RSA_WITH_AES_128_CBC_SHA', 'Security.Ciphers.TLS_RSA_WITH_AES_256_CBC_SHA', 'Security.Ciphers.TLS_RSA_WITH_AES_128_CBC_SHA256', 'Security.Ciphers.TLS_RSA_WITH_AES_256_CBC_SHA256', 'Security.Ciphers.TLS_RSA_WITH_AES_128_GCM_SHA256', 'Security.Ciphers.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'Security.Ciphers.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'Protocols.Server.Http2'] }),
    },
    autoscale: { enabled: true },
    children: (c) => {
      c.api('inventory', { displayName: 'Inventory', description: 'Stock levels.', protocols: ['https'], operations: operations('get-stock GET /stock/{sku}'), policy: inheriting() })
        .backend('inventory', { url: 'https://inventory.dev.contoso.com', credentials: 'authorization' })
        .product('internal', { displayName: 'Internal', description: 'Internal consumers.', terms: 'Internal use only.', subscriptionRequired: true, approvalRequired: true })
        .namedValue('inventory-token', { secret: true, keyVault: 'https://kv-shared-dev.vault.azure.net/secrets/inventory-token' });
      secureBaseline(c, LAW_DEV);
    },
  },
  {
    posture: 'StandardV2 (outside the Developer/Premium/Isolated allow-list), hardened, mixed product hygiene',
    spec: {
      subscriptionId: DEV, resourceGroup: 'rg-shared-dev', name: 'apim-orders-v2-dev', location: 'Sweden Central',
      sku: 'StandardV2', capacity: 1, tags: { env: 'dev', owner: 'team-orders' },
      identity: 'SystemAssigned', createdAt: '2025-02-17T13:45:00.0000000Z',
    },
    children: (c) => {
      c.api('orders', { displayName: 'Orders', description: 'Orders v2.', protocols: ['https'], operations: operations('submit-order POST /orders', 'get-order GET /orders/{id}'), policy: inheriting() })
        .backend('orders', { url: 'https://orders-v2.dev.contoso.com', credentials: 'managedIdentity' })
        .product('orders-public', { displayName: 'Orders public', description: '', terms: null, subscriptionRequired: true, approvalRequired: false })
        .product('orders-partners', { displayName: 'Orders partners', description: 'Partner ordering.', terms: 'Partner terms apply.', subscriptionRequired: true, approvalRequired: true })
        .namedValue('orders-key', { secret: true, keyVault: 'https://kv-shared-dev.vault.azure.net/secrets/orders-key' });
      secureBaseline(c, LAW_DEV);
      c.defenderForApis();
    },
  },

  // lab-sandbox ──────────────────────────────────────────────────────────────────────────────────
  {
    posture: 'stv1 Developer created before 2018-04-01 with customProperties null (every protocol and cipher on by default), no identity',
    spec: {
      subscriptionId: LAB, resourceGroup: 'rg-lab', name: 'apim-lab-stv1', location: 'West Europe',
      sku: 'Developer', capacity: 1, tags: { env: 'sandbox', owner: 'platform-team' },
      identity: null, createdAt: '2018-02-14T14:00:00.0000000Z', platformVersion: 'stv1', customProperties: null, minApiVersion: null,
    },
    children: (c) => {
      c.api('echo-api', { displayName: 'Echo API', description: null, protocols: ['http', 'https'], serviceUrl: 'http://echoapi.cloudapp.net/api', path: 'echo', operations: operations('retrieve-resource GET /resource') });
      legacyBaseline(c);
    },
  },
  {
    posture: 'name without the "apim" prefix (fails a configured naming convention), Developer, hardened, no tags but env',
    spec: {
      subscriptionId: LAB, resourceGroup: 'rg-lab', name: 'gw-lab-scratch', location: 'West Europe',
      sku: 'Developer', capacity: 1, tags: { env: 'sandbox' },
      identity: 'SystemAssigned', createdAt: '2025-06-06T06:06:06.0000000Z',
    },
    children: (c) => {
      c.api('scratch', { displayName: 'Scratch', description: 'Experiments.', protocols: ['https'], operations: operations('try GET /try') });
      secureBaseline(c, workspace(LAB, 'rg-lab', 'law-lab'));
    },
  },
  {
    posture: 'zone-redundant Premium in Sweden Central with 2 units for 3 zones (units below zones), second region fine; a workspace API policy without <base /> in on-error',
    spec: {
      subscriptionId: LAB, resourceGroup: 'rg-lab', name: 'apim-lab-zones', location: 'Sweden Central',
      sku: 'Premium', capacity: 2, zones: ['1', '2', '3'], tags: { env: 'sandbox', owner: 'platform-team' },
      identity: 'SystemAssigned', createdAt: '2025-09-12T08:00:00.0000000Z',
      additionalLocations: [{ location: 'Germany West Central', capacity: 2, zones: ['1', '2'] }],
    },
    children: (c) => {
      c.api('latency-probe', { displayName: 'Latency probe', description: 'Region latency checks.', protocols: ['https'], operations: operations('probe GET /probe') })
        // A team workspace: its API's policy drops <base /> from on-error, so the service's error masking does not run there.
        .workspace('team-routing', {
          displayName: 'Routing team',
          description: 'APIs owned by the routing team.',
          policy: inheriting('<rate-limit calls="1000" renewal-period="60" />'),
          apis: [
            {
              name: 'routes',
              policy: policyXml({ inbound: ['<set-header name="x-team" exists-action="override"><value>routing</value></set-header>'], withoutBase: ['on-error'] }),
              operations: [{ name: 'get-route', method: 'GET', urlTemplate: '/routes/{id}', policy: inheriting('<cache-lookup vary-by-developer="false" vary-by-developer-groups="false" />') }],
            },
          ],
          products: [{ name: 'routing-internal', policy: inheriting(corsPolicy(['https://routing.contoso.com'])) }],
        });
      secureBaseline(c, workspace(LAB, 'rg-lab', 'law-lab'));
    },
  },
  {
    posture: 'Premium in West US (a region without zones), single region; owner tag missing',
    spec: {
      subscriptionId: LAB, resourceGroup: 'rg-lab-us', name: 'apim-lab-westus', location: 'West US',
      sku: 'Premium', capacity: 1, zones: null, tags: { env: 'sandbox' },
      identity: 'SystemAssigned', createdAt: '2025-10-01T08:00:00.0000000Z',
    },
    children: (c) => {
      c.api('geo', { displayName: 'Geo', description: 'Geo lookups.', protocols: ['https'], operations: operations('lookup GET /lookup/{ip}') });
      secureBaseline(c, workspace(LAB, 'rg-lab', 'law-lab'));
    },
  },
];

/** Tracked resources that are not APIM: what else an ARG query of `resources` sees. */
function otherResources(): JsonObject[] {
  const tags = (env: string): Record<string, string> => ({ env, owner: 'platform-team' });
  return [
    trackedResource({ subscriptionId: PAYMENTS, resourceGroup: 'rg-monitoring', provider: 'Microsoft.OperationalInsights/workspaces', name: 'law-payments-prod', location: 'West Europe', tags: tags('prod'), properties: { provisioningState: 'Succeeded', retentionInDays: 90, sku: { name: 'PerGB2018' } } }),
    trackedResource({ subscriptionId: IDENTITY, resourceGroup: 'rg-monitoring', provider: 'Microsoft.OperationalInsights/workspaces', name: 'law-identity-prod', location: 'North Europe', tags: tags('prod'), properties: { provisioningState: 'Succeeded', retentionInDays: 90, sku: { name: 'PerGB2018' } } }),
    trackedResource({ subscriptionId: DEV, resourceGroup: 'rg-monitoring', provider: 'Microsoft.OperationalInsights/workspaces', name: 'law-shared-dev', location: 'West Europe', tags: tags('dev'), properties: { provisioningState: 'Succeeded', retentionInDays: 30, sku: { name: 'PerGB2018' } } }),
    trackedResource({ subscriptionId: LAB, resourceGroup: 'rg-lab', provider: 'Microsoft.OperationalInsights/workspaces', name: 'law-lab', location: 'West Europe', tags: tags('sandbox'), properties: { provisioningState: 'Succeeded', retentionInDays: 30, sku: { name: 'PerGB2018' } } }),
    trackedResource({ subscriptionId: PAYMENTS, resourceGroup: 'rg-payments-prod', provider: 'Microsoft.KeyVault/vaults', name: 'kv-payments-prod', location: 'West Europe', tags: tags('prod'), properties: { enableRbacAuthorization: true, enableSoftDelete: true, enablePurgeProtection: true, publicNetworkAccess: 'Disabled' } }),
    trackedResource({ subscriptionId: IDENTITY, resourceGroup: 'rg-identity', provider: 'Microsoft.KeyVault/vaults', name: 'kv-identity-prod', location: 'North Europe', tags: tags('prod'), properties: { enableRbacAuthorization: true, enableSoftDelete: true, enablePurgeProtection: true, publicNetworkAccess: 'Disabled' } }),
    trackedResource({ subscriptionId: IDENTITY, resourceGroup: 'rg-monitoring', provider: 'Microsoft.Storage/storageAccounts', name: 'stidentitylogs', location: 'West Europe', tags: tags('prod'), sku: { name: 'Standard_GRS', tier: 'Standard' }, properties: { minimumTlsVersion: 'TLS1_2', supportsHttpsTrafficOnly: true } }),
    trackedResource({ subscriptionId: PAYMENTS, resourceGroup: 'rg-network', provider: 'Microsoft.Network/virtualNetworks', name: 'vnet-payments-weu', location: 'West Europe', tags: tags('prod'), properties: { addressSpace: { addressPrefixes: ['10.20.0.0/16'] }, subnets: [{ name: 'snet-apim', properties: { addressPrefix: '10.20.1.0/27' } }] } }),
    trackedResource({ subscriptionId: PAYMENTS, resourceGroup: 'rg-network', provider: 'Microsoft.Network/virtualNetworks', name: 'vnet-payments-eus2', location: 'East US 2', tags: tags('prod'), properties: { addressSpace: { addressPrefixes: ['10.21.0.0/16'] }, subnets: [{ name: 'snet-apim', properties: { addressPrefix: '10.21.1.0/27' } }] } }),
    trackedResource({ subscriptionId: DEV, resourceGroup: 'rg-network-dev', provider: 'Microsoft.Network/virtualNetworks', name: 'vnet-shared-dev', location: 'West Europe', tags: tags('dev'), properties: { addressSpace: { addressPrefixes: ['10.90.0.0/16'] }, subnets: [{ name: 'snet-apim', properties: { addressPrefix: '10.90.1.0/27' } }] } }),
    // Defender lists assessments of every resource in the subscription, not only of API Management
    // (an illustrative recommendation key, not a real one).
    securityAssessment(
      `/subscriptions/${PAYMENTS}/resourceGroups/rg-payments-prod/providers/Microsoft.KeyVault/vaults/kv-payments-prod`,
      '00000000-0000-4000-8000-00000000a001',
      'Illustrative Key Vault recommendation',
      'Unhealthy',
    ),
  ];
}

/** The seeded services with the posture each one brings, for listings and documentation. */
export function seededServices(): readonly { readonly subscription: string; readonly resourceGroup: string; readonly name: string; readonly sku: string; readonly posture: string }[] {
  const names = new Map<string, string>(Object.values(SEED_SUBSCRIPTIONS).map((subscription) => [subscription.subscriptionId, subscription.name]));
  return SERVICES.map(({ spec, posture }) => ({ subscription: names.get(spec.subscriptionId) ?? spec.subscriptionId, resourceGroup: spec.resourceGroup, name: spec.name, sku: spec.sku, posture }));
}

export function seedEstate(): SandboxData {
  const resources: JsonObject[] = [];
  for (const { spec, children, autoscale } of SERVICES) {
    const service = apimService(spec);
    resources.push(service, ...privateEndpointResources(spec));
    if (children !== undefined) {
      const built = new ServiceChildren(service);
      children(built);
      resources.push(...built.resources);
    }
    if (autoscale !== undefined) {
      resources.push(
        autoscaleSetting({
          subscriptionId: spec.subscriptionId,
          resourceGroup: spec.resourceGroup,
          name: `autoscale-${spec.name}`,
          location: spec.location,
          target: String(service['id']),
          enabled: autoscale.enabled,
          minimum: spec.capacity ?? 1,
          maximum: (spec.capacity ?? 1) + 2,
        }),
      );
    }
  }
  resources.push(...otherResources());
  return {
    tenantId: SEED_TENANT_ID,
    asOf: SEED_DATE,
    subscriptions: Object.values(SEED_SUBSCRIPTIONS),
    managementGroups: [
      { name: 'mg-prod', displayName: 'Production', subscriptionIds: [PAYMENTS, IDENTITY] },
      { name: 'mg-nonprod', displayName: 'Non-production', subscriptionIds: [DEV, LAB] },
    ],
    resources,
  };
}
