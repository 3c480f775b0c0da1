import { apimService, customProperties, guid, ServiceChildren, type ServiceSpec, type Sku, type TlsSwitch } from './shapes.js';
import type { JsonObject, SandboxData, SandboxSubscription } from './types.js';

/**
 * A large, deterministic estate for benchmarks: many services over many subscriptions, each with a
 * couple of light children, postures drawn from a seeded random generator. The same options give
 * byte-identical data, so benchmark runs compare.
 */

export interface ScaleOptions {
  /** Number of APIM services; default 10 000. */
  readonly services?: number;
  /** Number of subscriptions they are spread over; default 1 000. */
  readonly subscriptions?: number;
  /** Random seed; default 1. */
  readonly seed?: number;
}

const ENVIRONMENTS = ['prod', 'dev', 'test', 'sandbox'] as const;
const TEAMS = ['payments', 'identity', 'orders', 'catalog', 'shipping', 'billing', 'search', 'partners', 'mobile', 'data'] as const;
const LOCATIONS = ['West Europe', 'North Europe', 'East US 2', 'Sweden Central', 'UK South', 'West US'] as const;
/** Tiers weighted roughly as estates have them: many Developer/Standard, fewer Premium. */
const SKUS: readonly Sku[] = ['Developer', 'Developer', 'Basic', 'Standard', 'Standard', 'Standard', 'Premium', 'Premium', 'Consumption', 'StandardV2'];
const LEGACY: readonly TlsSwitch[] = ['Security.Protocols.Tls10', 'Security.Protocols.Tls11', 'Security.Backend.Protocols.Tls10', 'Security.Ciphers.TripleDes168', 'Security.Ciphers.TLS_RSA_WITH_AES_128_CBC_SHA'];

export function scaleEstate(options: ScaleOptions = {}): SandboxData {
  const serviceCount = positive(options.services ?? 10_000, 'services');
  const subscriptionCount = positive(options.subscriptions ?? 1_000, 'subscriptions');
  const seed = options.seed ?? 1;
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  const subscriptions: SandboxSubscription[] = Array.from({ length: subscriptionCount }, (_, index) => {
    const env = ENVIRONMENTS[index % ENVIRONMENTS.length] ?? 'dev';
    const team = TEAMS[Math.floor(index / ENVIRONMENTS.length) % TEAMS.length] ?? 'data';
    return { subscriptionId: guid(`scale:${seed}:subscription:${index}`), name: `${team}-${env}-${String(index).padStart(4, '0')}`, tags: { env } };
  });

  const resources: JsonObject[] = [];
  for (let index = 0; index < serviceCount; index += 1) {
    // Round-robin first, so every subscription gets services before any gets many.
    const subscription = subscriptions[index % subscriptionCount] ?? subscriptions[0];
    if (subscription === undefined) break;
    const env = subscription.tags['env'] ?? 'dev';
    const team = pick(TEAMS);
    const sku = pick(SKUS);
    const premium = sku === 'Premium';
    const legacyOn = random() < 0.2 ? [pick(LEGACY)] : [];
    const spec: ServiceSpec = {
      subscriptionId: subscription.subscriptionId,
      resourceGroup: `rg-${team}-${env}`,
      name: `apim-${team}-${env}-${String(index).padStart(5, '0')}`,
      location: pick(LOCATIONS),
      sku,
      capacity: premium ? 1 + Math.floor(random() * 3) : 1,
      zones: premium && random() < 0.6 ? ['1', '2', '3'] : null,
      tags: random() < 0.1 ? {} : { [random() < 0.15 ? 'environment' : 'env']: env, owner: `team-${team}` },
      identity: random() < 0.7 ? 'SystemAssigned' : null,
      createdAt: new Date(Date.UTC(2017 + Math.floor(random() * 9), Math.floor(random() * 12), 1 + Math.floor(random() * 28))).toISOString(),
      platformVersion: sku === 'Consumption' ? 'mtv1' : random() < 0.05 ? 'stv1' : 'stv2',
      ...(sku === 'Consumption' ? {} : { customProperties: customProperties({ on: legacyOn }) }),
      ...(premium && random() < 0.3 ? { additionalLocations: [{ location: pick(LOCATIONS), capacity: 1, zones: null, disableGateway: random() < 0.2 }] } : {}),
    };
    const service = apimService(spec);
    const children = new ServiceChildren(service);
    const https = random() < 0.8;
    children
      .api(`${team}-api`, { protocols: https ? ['https'] : ['http', 'https'], serviceUrl: `${https ? 'https' : 'http'}://${team}.internal.contoso.com` })
      .namedValue(`${team}-key`, random() < 0.5 ? { secret: true, keyVault: `https://kv-${team}-${env}.vault.azure.net/secrets/${team}-key` } : { secret: true });
    resources.push(service, ...children.resources);
  }

  return { tenantId: guid(`scale:${seed}:tenant`), asOf: '2026-11-29', subscriptions, resources };
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`scaleEstate: ${name} must be a positive integer, not ${value}`);
  return value;
}

/** A small, well-known 32-bit PRNG: deterministic, fast, good enough for test data; never used for anything secret. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
