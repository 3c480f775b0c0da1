import { describe, expect, it } from 'vitest';
import { fixAnswer } from '../../src/bot/fix-answer.js';
import { cardBytes, CARD_BUDGET_BYTES } from '../../src/cards/render.js';
import { CHILD_KIND_LABELS } from '../../src/estate/child-types.js';
import { armUrl, ETAG_PLACEHOLDER, REDACTED_BODY_NOTE } from '../../src/remediation/plan-text.js';
import { seedEstate } from '../../src/sandbox/seed.js';
import { fullText, schemaErrors, walk } from '../cards/support.js';
import { azRestRequest, bashWords } from '../support/shell-words.js';
import { auditEstate } from '../../src/engine/audit.js';
import type { Estate } from '../../src/estate/model.js';
import { normalizeEstate } from '../../src/estate/normalize.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { apimService, childOf, GATEWAY, hardenedCustomProperties, type Raw } from '../support/fixtures.js';

const now = new Date('2026-06-01T00:00:00Z');
const service = apimService();
const PRODUCT = 'Microsoft.ApiManagement/service/products';

function openProduct(name: string, extra: Raw = {}): Raw {
  return { ...childOf(service, `products/${name}`, PRODUCT, { displayName: name, subscriptionRequired: false, approvalRequired: true, state: 'published' }), ...extra };
}

/** All strings of a card, joined, so a test can look for what a person reads. */
function textOf(card: unknown): string {
  return JSON.stringify(card);
}

function answerCard(estate: Estate, ruleId: string, armEndpoint?: string): unknown {
  const report = auditEstate(estate, { rules: ALL_RULES, now, source: 'test', version: '0.0.0' });
  const apim = estate.services[0];
  if (apim === undefined) throw new Error('no service');
  const resourceIds = report.results.filter((r) => r.ruleId === ruleId && r.outcome === 'fail').map((r) => r.resourceId);
  return fixAnswer({ report, serviceId: apim.id, serviceName: apim.name, ruleId, resourceIds }, estate, now, {}, armEndpoint === undefined ? {} : { armEndpoint });
}

function answer(estate: Estate, ruleId: string): string {
  return textOf(answerCard(estate, ruleId));
}

/** The texts of the card's request section: request lines, headers, bodies, commands, notes. */
function requestTexts(card: unknown): string[] {
  const out: string[] = [];
  walk(card, (node) => {
    if (node['id'] === 'request-details') {
      walk(node, (inner) => {
        if (typeof inner['text'] === 'string') out.push(inner['text']);
      });
    }
  });
  return out;
}

/** The az rest commands a card shows. */
function commandsOf(card: unknown): string[] {
  return requestTexts(card).filter((text) => text.startsWith('az rest '));
}

describe('fix answer', () => {
  it('shows the If-Match header each child request sends, and says when the ETag is read again first', () => {
    const estate = normalizeEstate([service, openProduct('starter', { etag: 'AAAAAAAQAAE=' }), openProduct('trial')]);
    const text = answer(estate, 'APIM-030');
    expect(text).toContain('Requests (2)');
    expect(text).toContain('If-Match: \\"AAAAAAAQAAE=\\"');
    expect(text).toContain(`If-Match: ${ETAG_PLACEHOLDER}`);
    expect(text).toContain("Precondition not met — The ETag of product 'trial' was read");
  });

  it('shows each request whole: the URL with api-version on the target host, the body, and an az rest command that sends exactly it', () => {
    const estate = normalizeEstate([service, openProduct('starter', { etag: 'AAAAAAAQAAE=', properties: { displayName: `it's "$x" \`id\``, subscriptionRequired: false, approvalRequired: true, state: 'published' } })]);
    const card = answerCard(estate, 'APIM-030', 'https://management.usgovcloudapi.net');
    const product = estate.services[0]?.children.products?.[0];
    if (product === undefined) throw new Error('no product');
    const url = armUrl({ path: product.id, apiVersion: '2024-05-01' }, 'https://management.usgovcloudapi.net');
    expect(fullText(card)).toContain(url);
    const [command, ...others] = commandsOf(card);
    expect(others).toEqual([]);
    expect(azRestRequest(bashWords(command ?? ''))).toEqual({ method: 'patch', url, headers: { 'If-Match': '"AAAAAAAQAAE="' }, body: { properties: { subscriptionRequired: true } } });
    expect(requestTexts(card).join('\n')).not.toContain('…');
    expect(schemaErrors(card)).toEqual([]);
    // The details open with a toggle, on the card itself: no round trip to the bot.
    const toggles: unknown[] = [];
    walk(card, (node) => {
      if (node['type'] === 'Action.ToggleVisibility') toggles.push(node['targetElements']);
    });
    expect(toggles).toEqual([['request-details']]);
  });

  it('keeps every Fix answer of the sandbox estate within the card budget, the largest plan shown whole', () => {
    const kinds = Object.keys(CHILD_KIND_LABELS);
    const resources = seedEstate().resources.map((resource) => (String(resource['type']).toLowerCase() === 'microsoft.apimanagement/service' ? { ...resource, collectedChildren: kinds } : resource));
    const estate = normalizeEstate(resources);
    const report = auditEstate(estate, { rules: ALL_RULES, now, source: 'sandbox', version: '0.0.0' });
    let largest = { size: 0, card: undefined as unknown, key: '' };
    let answers = 0;
    for (const apim of estate.services) {
      for (const rule of ALL_RULES.filter((r) => r.meta.fix !== 'manual')) {
        const resourceIds = report.results.filter((r) => r.ruleId === rule.meta.id && r.serviceId === apim.id && r.outcome === 'fail').map((r) => r.resourceId);
        if (resourceIds.length === 0) continue;
        const card = fixAnswer({ report, serviceId: apim.id, serviceName: apim.name, ruleId: rule.meta.id, resourceIds }, estate, now, {});
        answers += 1;
        expect(cardBytes(card), `${rule.meta.id} on ${apim.name}`).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
        const size = requestTexts(card).join('').length;
        if (size > largest.size) largest = { size, card, key: `${rule.meta.id} on ${apim.name}` };
      }
    }
    expect(answers).toBeGreaterThan(20);
    expect(schemaErrors(largest.card)).toEqual([]);
    const texts = requestTexts(largest.card).join('\n');
    expect(texts, largest.key).not.toContain('do not fit in this Teams card');
    expect(texts).not.toContain('…');
    expect(commandsOf(largest.card).length).toBeGreaterThan(0);
  });

  it('says a request is too large for the card and where to print it whole, rather than cut it', () => {
    const many = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`Custom.Setting.${i}`, `value-${i}`]));
    const weak = apimService({ properties: { customProperties: { ...hardenedCustomProperties(), ...many, [`${GATEWAY}.Security.Protocols.Tls10`]: 'True' } } });
    const card = answerCard(normalizeEstate([weak]), 'APIM-001');
    expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
    expect(schemaErrors(card)).toEqual([]);
    const text = fullText(card);
    expect(text).toContain(`PATCH \n${armUrl({ path: String(weak['id']), apiVersion: '2024-05-01' })}`);
    expect(text).toMatch(/This request and its command \(about \d+ KB\) do not fit in this Teams card; `apim-posture plan APIM-001 'apim-test'` prints it whole\./);
    expect(commandsOf(card)).toEqual([]);
    expect(requestTexts(card).join('\n')).not.toContain('…');
  });

  it('redacts credentials a request body would carry, and gives no command that would send the placeholder', () => {
    const secret = 'pw-5f1e2d3c4b5a6978';
    const withSecret = { ...service, collectedChildren: ['backends', 'apis'] };
    const backend = { ...childOf(service, 'backends/legacy', 'Microsoft.ApiManagement/service/backends', { url: `http://svc:${secret}@legacy.internal/api`, protocol: 'http' }), etag: 'AAAA' };
    const card = answerCard(normalizeEstate([withSecret, backend]), 'APIM-025');
    const text = textOf(card);
    expect(text).not.toContain(secret);
    expect(text).toContain('Credentials in these values are shown as [redacted].');
    expect(requestTexts(card)).toContain(REDACTED_BODY_NOTE);
    expect(commandsOf(card)).toEqual([]);
  });
});
