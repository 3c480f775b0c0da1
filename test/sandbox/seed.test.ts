import { describe, expect, it } from 'vitest';
import { auditEstate } from '../../src/engine/audit.js';
import { CHILD_KIND_LABELS } from '../../src/estate/child-types.js';
import { normalizeEstate } from '../../src/estate/normalize.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { SEED_DATE, SEED_SUBSCRIPTIONS, seedEstate, seededServices } from '../../src/sandbox/seed.js';
import type { JsonObject } from '../../src/sandbox/types.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const isService = (resource: JsonObject): boolean => String(resource['type']).toLowerCase() === 'microsoft.apimanagement/service';

describe('the seeded estate', () => {
  const data = seedEstate();
  const services = data.resources.filter(isService);

  it('is deterministic', () => {
    expect(JSON.stringify(seedEstate())).toBe(JSON.stringify(data));
  });

  it('spans prod, dev and sandbox subscriptions with real-looking GUIDs and env tags', () => {
    expect(data.subscriptions.length).toBeGreaterThanOrEqual(3);
    expect(data.subscriptions.every((subscription) => GUID.test(subscription.subscriptionId))).toBe(true);
    expect(new Set(data.subscriptions.map((subscription) => subscription.tags['env']))).toEqual(new Set(['prod', 'dev', 'sandbox']));
    expect(data.subscriptions.map((subscription) => subscription.name)).toEqual(Object.values(SEED_SUBSCRIPTIONS).map((subscription) => subscription.name));
  });

  it('has 15+ services with the tag variants scopes must cope with', () => {
    expect(services.length).toBeGreaterThanOrEqual(15);
    const tags = services.map((service) => (service['tags'] ?? null) as Record<string, string> | null);
    expect(tags.some((tag) => tag?.['env'] === 'Prod')).toBe(true);
    expect(tags.some((tag) => tag?.['environment'] !== undefined && tag['env'] === undefined)).toBe(true);
    expect(tags.some((tag) => tag === null || Object.keys(tag).length === 0)).toBe(true);
    expect(tags.some((tag) => tag !== null && tag['env'] !== undefined && tag['owner'] === undefined)).toBe(true);
    expect(seededServices().map((service) => service.name)).toEqual(services.map((service) => service['name']));
  });

  it('links every child and extension resource to a service by id prefix', () => {
    const serviceIds = services.map((service) => String(service['id']).toLowerCase());
    const children = data.resources.filter((resource) => String(resource['id']).toLowerCase().includes('/microsoft.apimanagement/service/') && !isService(resource));
    expect(children.length).toBeGreaterThan(200);
    for (const child of children) {
      expect(serviceIds.some((id) => String(child['id']).toLowerCase().startsWith(`${id}/`))).toBe(true);
    }
    expect(new Set(data.resources.map((resource) => String(resource['id']).toLowerCase())).size).toBe(data.resources.length);
  });

  it('gives every rule of the catalog a passing and a failing service, with no unreadable data', () => {
    const collected = Object.keys(CHILD_KIND_LABELS);
    const estate = normalizeEstate(data.resources.map((resource) => (isService(resource) ? { ...resource, collectedChildren: collected } : resource)));
    const report = auditEstate(estate, {
      rules: ALL_RULES,
      now: new Date(`${SEED_DATE}T12:00:00Z`),
      source: 'sandbox seed',
      version: 'test',
      ruleOptions: { 'APIM-016': { requiredPrefix: 'apim' } },
    });
    const outcomes = new Map<string, Set<string>>();
    for (const result of report.results) outcomes.set(result.ruleId, (outcomes.get(result.ruleId) ?? new Set()).add(result.outcome));
    const uncovered = ALL_RULES.map((rule) => rule.meta.id).filter((id) => !(outcomes.get(id)?.has('pass') === true && outcomes.get(id)?.has('fail') === true));
    expect(uncovered).toEqual([]);
    expect(report.results.filter((result) => result.outcome === 'error').map((result) => result.reason)).toEqual([]);
    const gold = report.services.find((service) => service.name === 'apim-payments-prod-weu');
    expect(gold?.counts.failed).toEqual({ critical: 0, high: 0, medium: 0, low: 0 });
  });
});
