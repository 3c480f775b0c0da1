/**
 * A seeded generator of hostile estate files: random JSON shapes, wrong types at every field the
 * rules read, prototype-named keys, odd ids, huge strings, deep `resources` nesting, PSRule casing.
 * Deterministic (a hand-written PRNG), so a failing case is reproduced by its seed and index.
 */

import { mulberry32 } from '../../src/sandbox/scale.js';

/** The sandbox's seeded PRNG (mulberry32): a failing case is reproduced by its seed and index. */
export const prng = mulberry32;

export class Dice {
  constructor(private readonly next: () => number) {}
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf'];

const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\t\n\r',
  '${jndi:ldap://127.0.0.1/a}',
  '${$root.secret}',
  '{{template}}',
  '<script>alert(1)</script>',
  '"; DROP TABLE x; --',
  '=cmd|"/c calc"!A1',
  '@<at>everyone</at>',
  '\u202eevil\u202c',
  '\ud83d\ude00\u200d\ud83d\udd25',
  '\ud800',
  'e\u0301\u0301\u0301',
  'İstanbul',
  'ß',
  '\u0085\u2028\u2029',
  '../../etc/passwd',
  '%00%2e%2e',
  'https://user:pass@127.0.0.1/?sig=abc&sv=1',
  'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=c2VjcmV0;',
  'True',
  'FALSE',
  'true ',
  'NaN',
  '-0',
  '1e309',
  'null',
  '[]',
  '{}',
  ...PROTO_KEYS,
];

const TYPES = [
  'Microsoft.ApiManagement/service',
  'microsoft.apimanagement/service',
  'MICROSOFT.APIMANAGEMENT/SERVICE',
  'Microsoft.ApiManagement/service/apis',
  'Microsoft.ApiManagement/service/apis/operations',
  'Microsoft.ApiManagement/service/backends',
  'Microsoft.ApiManagement/service/products',
  'Microsoft.ApiManagement/service/namedValues',
  'Microsoft.ApiManagement/service/subscriptions',
  'Microsoft.ApiManagement/service/policies',
  'Microsoft.ApiManagement/service/apis/policies',
  'Microsoft.ApiManagement/service/apis/operations/policies',
  'Microsoft.ApiManagement/service/products/policies',
  'Microsoft.ApiManagement/service/apis/resolvers/policies',
  'Microsoft.ApiManagement/service/workspaces/policies',
  'Microsoft.ApiManagement/service/portalconfigs',
  'Microsoft.ApiManagement/service/portalsettings',
  'Microsoft.ApiManagement/service/tenant',
  'Microsoft.ApiManagement/service/identityProviders',
  'Microsoft.Insights/diagnosticSettings',
  'Microsoft.Security/apiCollections',
  'Microsoft.Security/assessments',
  'Microsoft.Insights/autoscalesettings',
  'Microsoft.Web/sites',
  ...PROTO_KEYS,
];

const CHILD_SEGMENTS = ['apis', 'backends', 'products', 'namedValues', 'subscriptions', 'policies', 'portalconfigs', 'portalsettings', 'tenant', 'identityProviders'];

/** Field names the rules read, in properties, on services and on children. */
const PROPERTY_KEYS = [
  'customProperties', 'hostnameConfigurations', 'additionalLocations', 'virtualNetworkType', 'virtualNetworkConfiguration',
  'publicNetworkAccess', 'privateEndpointConnections', 'platformVersion', 'apiVersionConstraint', 'certificates',
  'enableClientCertificate', 'disableGateway', 'developerPortalStatus', 'createdAtUtc', 'provisioningState', 'publicIpAddressId',
  'protocols', 'serviceUrl', 'url', 'tls', 'credentials', 'secret', 'keyVault', 'value', 'subscriptionRequired', 'approvalRequired',
  'terms', 'state', 'displayName', 'description', 'scope', 'format', 'enabled', 'enableBasicAuth', 'logs', 'workspaceId',
  'storageAccountId', 'eventHubAuthorizationRuleId', 'targetResourceUri', 'profiles', 'status', 'resourceDetails', 'isCurrent',
  'apiType', 'type', 'clientId', 'signinTenant', 'allowedTenants', 'discoveredVia', 'userAssignedIdentities', 'principalId',
  'validateCertificateChain', 'validateCertificateName', 'minApiVersion', 'encodedCertificate', 'expiry', 'certificate',
  'keyVaultId', 'identityClientId', 'hostName', 'negotiateClientCertificate', 'location', 'sku', 'zones', 'capacity', 'name',
  'categoryGroup', 'category', 'signup', 'signin', 'onboarding', 'termsOfService', 'path', 'subscriptionKeyParameterNames',
  'authenticationSettings', 'header', 'query', 'authorization', 'id', 'Properties', 'PROPERTIES', 'Sku', 'Zones', 'Identity', 'Tags',
  ...PROTO_KEYS,
];

const CUSTOM_PROPERTY_KEYS = [
  'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10',
  'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls11',
  'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Ssl30',
  'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls10',
  'microsoft.windowsazure.apimanagement.gateway.security.backend.protocols.ssl30',
  'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TripleDes168',
  'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TLS_RSA_WITH_AES_128_CBC_SHA',
  'Microsoft.WindowsAzure.ApiManagement.Gateway.Protocols.Server.Http2',
  ...PROTO_KEYS,
];

/** Sets a key as JSON.parse would: an own property, even for `__proto__`. */
export function put(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export class EstateFuzzer {
  constructor(private readonly dice: Dice) {}

  /** A hostile JSON value of bounded size. */
  value(depth = 0): unknown {
    const d = this.dice;
    switch (d.int(depth > 3 ? 6 : 9)) {
      case 0:
        return null;
      case 1:
        return d.pick([true, false]);
      case 2:
        return d.pick([0, -1, 1, 2, 3, 1.5, -0, 1e308, -1e308, 2 ** 53 + 1, 1e-320, 42]);
      case 3:
        return this.string();
      case 4:
        return d.pick(ODD_STRINGS);
      case 5:
        return d.pick(['http', 'https', 'ws', 'wss', 'HTTP', ' http ', 'Enabled', 'Disabled', 'None', 'External', 'Internal', 'stv1', 'stv2', 'Premium', 'Consumption', 'BasicV2', 'SystemAssigned', 'UserAssigned', 'SystemAssigned, UserAssigned', 'aad', '1', '2', '3']);
      case 6:
        return Array.from({ length: d.int(5) }, () => this.value(depth + 1));
      case 7:
      case 8: {
        const out: Record<string, unknown> = {};
        for (let i = d.int(5); i > 0; i -= 1) put(out, this.key(), this.value(depth + 1));
        return out;
      }
      default:
        return null;
    }
  }

  key(): string {
    return this.dice.chance(0.5) ? this.dice.pick(PROPERTY_KEYS) : this.dice.chance(0.5) ? this.dice.pick(ODD_STRINGS) : this.string();
  }

  string(): string {
    const d = this.dice;
    if (d.chance(0.004)) return d.pick(['x', '\u00e9', '\ud83d\ude00', '/', '"']).repeat(30_000 + d.int(50_000));
    const alphabet = ['a', 'Z', '0', '/', '-', '_', '.', ' ', '\u00e9', '\u4e2d', '\ud83d\ude00', '\u200b', '"', '\\', '<', '&', '\n', '$', '{', '}', '%', '*'];
    return Array.from({ length: d.int(40) }, () => d.pick(alphabet)).join('');
  }

  /** A value of the right shape most of the time, a hostile one otherwise. */
  maybe(good: () => unknown): unknown {
    return this.dice.chance(0.55) ? good() : this.value();
  }

  serviceId(): string {
    const d = this.dice;
    const name = d.chance(0.7) ? `apim-${d.int(8)}` : d.chance(0.5) ? d.pick(ODD_STRINGS) : this.string();
    const sub = d.chance(0.8) ? '00000000-0000-0000-0000-00000000000' + String(d.int(3)) : d.pick(ODD_STRINGS);
    const base = `/subscriptions/${sub}/resourceGroups/rg-${d.int(3)}/providers/Microsoft.ApiManagement/service/${name}`;
    return d.chance(0.15) ? base.toUpperCase() : d.chance(0.05) ? `${base}/` : base;
  }

  customProperties(): unknown {
    const out: Record<string, unknown> = {};
    for (let i = this.dice.int(8); i > 0; i -= 1) {
      put(out, this.dice.pick(CUSTOM_PROPERTY_KEYS), this.maybe(() => this.dice.pick(['True', 'False', 'true', 'false', true, false])));
    }
    return out;
  }

  properties(): unknown {
    const d = this.dice;
    if (d.chance(0.08)) return d.pick([null, [], 'properties', 7, [{}], true]);
    const out: Record<string, unknown> = {};
    if (d.chance(0.6)) put(out, 'customProperties', this.maybe(() => this.customProperties()));
    if (d.chance(0.4)) put(out, 'protocols', this.maybe(() => Array.from({ length: d.int(4) }, () => d.pick([...PROTO_KEYS, 'http', 'https', 'ws', 'wss', 'HTTP']))));
    if (d.chance(0.3)) {
      put(out, 'hostnameConfigurations', this.maybe(() => Array.from({ length: d.int(3) }, () => this.maybe(() => ({ type: this.maybe(() => d.pick(['Proxy', 'Management', 'Portal'])), hostName: this.maybe(() => 'api.contoso.com'), certificate: this.maybe(() => ({ expiry: this.maybe(() => d.pick(['2020-01-01T00:00:00Z', '2099-01-01', 'not a date', '2026-02-30'])) })), negotiateClientCertificate: this.value() })))));
    }
    if (d.chance(0.3)) {
      put(out, 'additionalLocations', this.maybe(() => Array.from({ length: d.int(3) }, () => this.maybe(() => ({ location: this.maybe(() => d.pick(['East US', 'westeurope', 'Mars'])), sku: this.maybe(() => ({ name: this.value(), capacity: this.value() })), zones: this.maybe(() => ['1', '2', 3]), disableGateway: this.value() })))));
    }
    if (d.chance(0.2)) put(out, 'apiVersionConstraint', this.maybe(() => ({ minApiVersion: this.maybe(() => d.pick(['2021-08-01', '2019-01-01', 'x', '9999-99-99'])) })));
    if (d.chance(0.2)) put(out, 'tls', this.maybe(() => ({ validateCertificateChain: this.value(), validateCertificateName: this.value() })));
    if (d.chance(0.2)) put(out, 'privateEndpointConnections', this.maybe(() => [this.maybe(() => ({ properties: this.maybe(() => ({ privateLinkServiceConnectionState: this.maybe(() => ({ status: this.value() })) })) }))]));
    if (d.chance(0.15)) put(out, 'value', this.maybe(() => d.pick(['<policies><inbound><cors><allowed-origins><origin>*</origin></allowed-origins></cors></inbound></policies>', '<policies><inbound><base /></inbound>', '<!DOCTYPE x [<!ENTITY a "aaaa">]><policies>&a;</policies>', '<'.repeat(1000), `<policies>${'<a>'.repeat(2000)}</policies>`, '<policies><inbound __proto__="x" constructor="y"/></policies>'])));
    for (let i = d.int(6); i > 0; i -= 1) put(out, d.pick(PROPERTY_KEYS), this.value());
    return out;
  }

  service(): Record<string, unknown> {
    const d = this.dice;
    const psrule = d.chance(0.2);
    const out: Record<string, unknown> = {};
    const id = this.serviceId();
    if (d.chance(0.93)) put(out, psrule ? 'ResourceId' : 'id', this.maybe(() => id));
    put(out, psrule ? 'ResourceType' : 'type', d.chance(0.9) ? d.pick(TYPES.slice(0, 3)) : this.value());
    if (d.chance(0.8)) put(out, psrule ? 'Name' : 'name', this.maybe(() => id.split('/').pop()));
    if (d.chance(0.7)) put(out, psrule ? 'Location' : 'location', this.maybe(() => d.pick(['West Europe', 'eastus', 'EAST US', '', 'nowhere'])));
    if (d.chance(0.8)) put(out, psrule ? 'Sku' : 'sku', this.maybe(() => ({ name: this.maybe(() => d.pick(['Developer', 'Basic', 'Standard', 'Premium', 'Consumption', 'BasicV2', 'StandardV2', 'PremiumV2', 'premium', 'Isolated'])), capacity: this.maybe(() => d.pick([0, 1, 2, 3, '2', -1])) })));
    if (d.chance(0.5)) put(out, psrule ? 'Zones' : 'zones', this.maybe(() => d.pick([['1', '2', '3'], ['1'], [], [1, 2]])));
    if (d.chance(0.6)) put(out, psrule ? 'Identity' : 'identity', this.maybe(() => ({ type: this.maybe(() => d.pick(['SystemAssigned', 'UserAssigned', 'None', 'SystemAssigned, UserAssigned'])), userAssignedIdentities: this.value() })));
    if (d.chance(0.6)) put(out, psrule ? 'Tags' : 'tags', this.maybe(() => Object.fromEntries([[d.pick(['env', 'owner', ...PROTO_KEYS]), this.value()]])));
    if (d.chance(0.3)) put(out, 'systemData', this.maybe(() => ({ createdAt: this.maybe(() => d.pick(['2017-01-01T00:00:00Z', '2024-01-01', 'bad'])) })));
    if (d.chance(0.2)) put(out, 'collectedChildren', this.maybe(() => Array.from({ length: d.int(4) }, () => d.pick([...CHILD_SEGMENTS, 'diagnosticSettings', 'tenantAccess', ...PROTO_KEYS]))));
    if (d.chance(0.95)) put(out, psrule ? 'Properties' : 'properties', this.properties());
    if (d.chance(0.3)) put(out, 'resources', this.maybe(() => Array.from({ length: d.int(6) }, () => this.child(id, 2))));
    if (d.chance(0.1)) put(out, d.pick(PROTO_KEYS), this.value());
    return out;
  }

  child(serviceId: string, depth: number): unknown {
    const d = this.dice;
    if (d.chance(0.05)) return this.value();
    const out: Record<string, unknown> = {};
    const segment = d.pick(CHILD_SEGMENTS);
    const name = d.chance(0.7) ? `${segment}-${d.int(4)}` : d.pick(ODD_STRINGS);
    const id = d.chance(0.85) ? `${d.chance(0.9) ? serviceId : this.serviceId()}/${segment}/${name}` : this.string();
    const psrule = d.chance(0.2);
    if (d.chance(0.9)) put(out, psrule ? 'ResourceId' : 'id', this.maybe(() => id));
    put(out, psrule ? 'ResourceType' : 'type', d.chance(0.9) ? d.pick(TYPES) : this.value());
    if (d.chance(0.7)) put(out, 'name', this.maybe(() => name));
    if (d.chance(0.9)) put(out, psrule ? 'Properties' : 'properties', d.chance(0.1) ? d.pick([null, [], 'x', 1]) : this.properties());
    if (depth > 0 && d.chance(0.2)) put(out, 'resources', Array.from({ length: d.int(3) }, () => this.child(serviceId, depth - 1)));
    return out;
  }

  /** Nested `resources` arrays `levels` deep under one service: PSRule exports nest one level, hostile files more. */
  deepResources(levels: number): Record<string, unknown> {
    const root = this.service();
    let current = root;
    for (let i = 0; i < levels; i += 1) {
      const next: Record<string, unknown> = { type: 'Microsoft.ApiManagement/service/apis', id: `${String(root['id'])}/apis/a${i}`, properties: { protocols: ['http'] } };
      put(current, 'resources', [next]);
      current = next;
    }
    return root;
  }

  /** One whole estate: mostly an array of services and children, sometimes a wrapper or junk. */
  estate(): unknown {
    const d = this.dice;
    const roll = d.int(20);
    if (roll === 0) return this.value();
    const entries: unknown[] = [];
    const services = Array.from({ length: 1 + d.int(4) }, () => this.service());
    for (const service of services) {
      entries.push(service);
      if (d.chance(0.15)) entries.push(service);
      const id = typeof service['id'] === 'string' ? service['id'] : this.serviceId();
      for (let i = d.int(8); i > 0; i -= 1) entries.push(this.child(id, 1));
    }
    for (let i = d.int(3); i > 0; i -= 1) entries.push(this.value());
    if (d.chance(0.05)) entries.push(this.deepResources(50 + d.int(200)));
    if (roll === 1) return { value: entries };
    if (roll === 2) return { data: entries };
    if (roll === 3) return { value: this.value(), data: this.value() };
    return entries;
  }
}
