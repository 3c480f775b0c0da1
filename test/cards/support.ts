import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvModule, { type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import type { RefFor, RefKind, RefPayloads } from '../../src/cards/render.js';
import { auditEstate, type AuditOptions } from '../../src/engine/audit.js';
import type { Report } from '../../src/engine/report.js';
import { loadEstateFile } from '../../src/estate/load-file.js';
import { normalizeEstate } from '../../src/estate/normalize.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { apimService, corsPolicy, customProperties, guid, policyXml, ServiceChildren, TLS_SWITCHES } from '../../src/sandbox/shapes.js';
import type { JsonObject } from '../../src/sandbox/types.js';

export const NOW = new Date('2026-06-01T00:00:00Z');
const ROOT = new URL('../../', import.meta.url);

/** The official Adaptive Cards 1.5 schema (test/fixtures/adaptive-cards, draft-06, `id` not `$id`), compiled once. */
let validator: ValidateFunction | undefined;
export function cardSchema(): ValidateFunction {
  if (validator !== undefined) return validator;
  const require = createRequire(import.meta.url);
  const draft06 = require('ajv/dist/refs/json-schema-draft-06.json') as object;
  // CommonJS modules seen from ESM: the default import is module.exports, whose `default` is the class/plugin.
  const ajv = new AjvModule.default({ strict: false, allErrors: true });
  formatsModule.default(ajv);
  ajv.addMetaSchema(draft06);
  const schema = JSON.parse(readFileSync(new URL('test/fixtures/adaptive-cards/adaptive-card-1.5.json', ROOT), 'utf8')) as Record<string, unknown>;
  // ajv 8 knows draft-06's `id` only as `$id`; rename it in memory, the file stays byte-exact.
  const { id, ...rest } = schema;
  validator = ajv.compile({ $id: String(id), ...rest });
  return validator;
}

/** Schema errors as short strings (empty when the card is valid). */
export function schemaErrors(card: unknown): string[] {
  const validate = cardSchema();
  if (validate(card)) return [];
  return (validate.errors ?? []).slice(0, 5).map((error) => `${error.instancePath} ${error.message ?? ''}`);
}

export interface RecordedRef {
  readonly kind: RefKind;
  readonly payload: RefPayloads[RefKind];
}

/** A refFor that hands out `ref-N` and remembers what each stands for, as the bot would. */
export function recordingRefs(): { refFor: RefFor; refs: Map<string, RecordedRef> } {
  const refs = new Map<string, RecordedRef>();
  const refFor: RefFor = (kind, payload) => {
    const ref = `ref-${refs.size + 1}`;
    refs.set(ref, { kind, payload });
    return ref;
  };
  return { refFor, refs };
}

export function audit(resources: readonly unknown[], options: Partial<AuditOptions> = {}): Report {
  return auditEstate(normalizeEstate(resources), { rules: ALL_RULES, now: NOW, source: 'test estate', version: '0.0.0-test', ...options });
}

export async function exampleReport(options: Partial<AuditOptions> = {}): Promise<Report> {
  const estate = await loadEstateFile(new URL('examples/estate.json', ROOT).pathname);
  return auditEstate(estate, { rules: ALL_RULES, now: NOW, source: 'examples/estate.json', version: '0.0.0-test', ...options });
}

/**
 * A hostile estate for the size budget: long names, every legacy switch on, and many failing
 * children per service (plain-HTTP APIs without descriptions and with a wildcard CORS policy that
 * drops <base />, backends that skip certificate validation, secrets outside Key Vault).
 */
export function largeEstate(services: number, childrenPerKind: number): JsonObject[] {
  const resources: JsonObject[] = [];
  for (let i = 0; i < services; i += 1) {
    const service = apimService({
      subscriptionId: guid(`cards:subscription:${i % 7}`),
      resourceGroup: `rg-cards-${'platform-'.repeat(3)}${i % 5}`,
      name: `apim-${'very-long-service-name-'.repeat(2)}${String(i).padStart(4, '0')}`,
      location: 'West Europe',
      sku: i % 3 === 0 ? 'Premium' : 'Developer',
      createdAt: '2017-03-01T00:00:00Z',
      platformVersion: 'stv1',
      identity: null,
      tags: {},
      minApiVersion: null,
      customProperties: customProperties({ on: TLS_SWITCHES.filter((key) => key !== 'Protocols.Server.Http2') }),
      enableClientCertificate: false,
    });
    const children = new ServiceChildren(service);
    for (let j = 0; j < childrenPerKind; j += 1) {
      const name = `api-${j}-${'with-a-rather-long-name-'.repeat(2)}${i}`;
      children.api(name, {
        protocols: ['http', 'https'],
        description: '',
        serviceUrl: `http://${name}.internal.contoso.com/${'segment/'.repeat(12)}`,
        policy: policyXml({ inbound: [corsPolicy(['*', ...Array.from({ length: 20 }, (_, k) => `https://app${k}.contoso.com`)])], withoutBase: ['inbound', 'outbound'] }),
      });
      children.backend(`backend-${j}-${'x'.repeat(40)}`, { url: `http://backend-${j}.internal.contoso.com/${'deep/'.repeat(20)}`, validateCertificateChain: false, validateCertificateName: false });
      children.namedValue(`secret-${j}`, { secret: true });
      children.product(`product-${j}`, { terms: '', approvalRequired: false, subscriptionRequired: false, description: '' });
      children.subscription(`all-apis-${j}`, { displayName: `All APIs ${j}`, scope: 'all', state: 'active' });
    }
    children.sampleProducts().masterSubscription('active').globalPolicy(policyXml({ global: true, inbound: [corsPolicy(['*'])] }));
    children.portalConfig({ enableBasicAuth: true }).tenantAccess({ access: true, gitAccess: true });
    resources.push(service, ...children.resources);
  }
  return resources;
}

/** Every object in a card (depth first), for finding actions and texts. */
export function walk(value: unknown, visit: (node: Record<string, unknown>) => void): void {
  if (Array.isArray(value)) {
    for (const entry of value) walk(entry, visit);
  } else if (typeof value === 'object' && value !== null) {
    const node = value as Record<string, unknown>;
    visit(node);
    for (const [key, entry] of Object.entries(node)) if (key !== 'data') walk(entry, visit);
  }
}

export interface ExecuteAction {
  readonly title: string;
  readonly verb: string;
  readonly data: Record<string, unknown>;
}

export function executeActions(card: unknown): ExecuteAction[] {
  const actions: ExecuteAction[] = [];
  walk(card, (node) => {
    if (node['type'] === 'Action.Execute') {
      actions.push({ title: String(node['title']), verb: String(node['verb']), data: node['data'] as Record<string, unknown> });
    }
  });
  return actions;
}

/** All visible text of a card, one entry per TextBlock/TextRun/fact. */
export function texts(card: unknown): string[] {
  const out: string[] = [];
  walk(card, (node) => {
    if (typeof node['text'] === 'string') out.push(node['text']);
    if (node['type'] === undefined && typeof node['title'] === 'string' && typeof node['value'] === 'string') out.push(`${node['title']}: ${node['value']}`);
  });
  return out;
}

export function fullText(card: unknown): string {
  return texts(card).join('\n');
}
