import { describe, expect, it } from 'vitest';
import { digestCard, DIGEST_CHART_TYPE } from '../../src/cards/digest-card.js';
import { CARD_BUDGET_BYTES, cardBytes } from '../../src/cards/templates.js';
import { buildDigest } from '../../src/digest/digest.js';
import type { SnapshotLike } from '../../src/digest/compute.js';
import type { Severity } from '../../src/rules/types.js';
import { executeActions, fullText, schemaErrors, walk } from './support.js';

const NOW = new Date('2026-12-07T09:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const SEVERITY: Severity[] = ['critical', 'high', 'medium', 'low'];

/**
 * Chart.Line properties as documented for Teams (Learn "Charts in Adaptive Cards": type, colorSet,
 * data, fallback and the common element properties; the Teams SDK's LineChart/LineChartData/
 * LineChartValue: title, xAxisTitle, yAxisTitle, color, data[{ legend, values[{ x, y }] }]).
 */
const CHART_PROPERTIES = new Set(['type', 'title', 'xAxisTitle', 'yAxisTitle', 'colorSet', 'color', 'data', 'fallback', 'id', 'isVisible', 'separator', 'spacing', 'height', 'horizontalAlignment', 'requires']);
const SERIES_PROPERTIES = new Set(['legend', 'values', 'color']);

function service(i: number): string {
  return `/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-${i}/providers/microsoft.apimanagement/service/apim-${'long-service-name-'.repeat(3)}${i}`;
}

/** A week of history: `count` findings at the start, `count` more (new and old) now, over many services. */
function snapshots(count: number): SnapshotLike[] {
  const services = Array.from({ length: 40 }, (_, i) => ({ id: service(i), name: `apim-${'long-service-name-'.repeat(3)}${i}`, owner: `team-${'platform-'.repeat(4)}${i % 9}` }));
  const finding = (i: number, firstSeen: Date): SnapshotLike['findings'][number] => ({
    key: `APIM-${String((i % 40) + 1).padStart(3, '0')}|${service(i % 40)}${i % 3 === 0 ? '' : `/apis/api-${i}-${'x'.repeat(30)}`}`,
    severity: SEVERITY[i % 4] ?? 'low',
    firstSeen: firstSeen.toISOString(),
  });
  const old = new Date(NOW.getTime() - 120 * DAY);
  const weekly = Array.from({ length: 8 }, (_, week) => ({
    at: new Date(NOW.getTime() - (7 - week) * 7 * DAY - DAY).toISOString(),
    score: 60 + week * 3,
    findings: Array.from({ length: count }, (_, i) => finding(i, old)),
    services,
  }));
  const latest = { at: NOW.toISOString(), score: 85, findings: Array.from({ length: 2 * count }, (_, i) => finding(i, i < count ? old : new Date(NOW.getTime() - DAY))), services };
  return [...weekly, latest];
}

function digest(count: number): ReturnType<typeof buildDigest> {
  return buildDigest({
    environment: 'prod',
    snapshots: snapshots(count),
    auditRecords: [],
    exemptions: Array.from({ length: 30 }, (_, i) => ({ exemption: { ruleId: `APIM-${String((i % 40) + 1).padStart(3, '0')}`, resource: '*', expires: '2026-12-14', reason: 'migration in progress', owner: 'alice' }, source: 'store' as const })),
    now: NOW,
    since: new Date(NOW.getTime() - 7 * DAY),
  });
}

/** The card as a host without charts sees it: each chart replaced by its fallback. */
function withChartFallback(card: unknown): unknown {
  return JSON.parse(JSON.stringify(card), (_key, value: unknown) => {
    if (typeof value === 'object' && value !== null && (value as { type?: unknown }).type === DIGEST_CHART_TYPE) return (value as { fallback: unknown }).fallback;
    return value;
  });
}

function charts(card: unknown): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  walk(card, (node) => {
    if (node['type'] === DIGEST_CHART_TYPE) found.push(node);
  });
  return found;
}

describe('digest card', () => {
  it('fits the budget with hundreds of findings and says how many more there are', () => {
    const large = digest(300);
    expect(large.added.length + large.reopened.length).toBeGreaterThanOrEqual(200);
    const card = digestCard(large, { causes: new Map(large.added.map((finding) => [finding.key, `alice@contoso.example changed ${'properties.x '.repeat(10)}on 2026-12-06`])) });
    expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
    expect(fullText(card)).toMatch(/and \d+ more/);
  });

  it('is valid Adaptive Card 1.5 once the chart is swapped for its fallback', () => {
    for (const count of [0, 3, 300]) expect(schemaErrors(withChartFallback(digestCard(digest(count))))).toEqual([]);
  });

  it('draws the weekly trend as a Chart.Line with documented properties only, and a trend line as fallback', () => {
    const card = digestCard(digest(3));
    const [chart, ...others] = charts(card);
    expect(others).toEqual([]);
    expect(chart).toBeDefined();
    expect(Object.keys(chart ?? {}).filter((key) => !CHART_PROPERTIES.has(key))).toEqual([]);
    const series = chart?.['data'] as Record<string, unknown>[];
    expect(series).toHaveLength(1);
    for (const entry of series) expect(Object.keys(entry).filter((key) => !SERIES_PROPERTIES.has(key))).toEqual([]);
    const values = series[0]?.['values'] as { x: unknown; y: unknown }[];
    expect(values.map((point) => point.y)).toEqual([63, 66, 69, 72, 75, 78, 81, 85]);
    expect(values.every((point) => typeof point.x === 'string' && /^\d{4}-W\d{2}$/.test(point.x))).toBe(true);
    expect(chart?.['fallback']).toMatchObject({ type: 'TextBlock', text: expect.stringContaining('Score 63 → 66 → 69') as unknown });
  });

  it('lists sections in order of urgency, each finding with an Explain button, and offers Audit now', () => {
    const card = digestCard(digest(3), { causes: new Map([[digest(3).added[0]?.key ?? '', 'alice@contoso.example changed properties.x on 2026-12-06']]) });
    const text = fullText(card);
    const order = ['New and reopened', 'Overdue by SLA', 'Worst services', 'Owners', 'Exemptions ending within 14 days', 'Fixes this period'].map((title) => text.indexOf(title));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain('alice@contoso.example changed properties.x');
    const actions = executeActions(card);
    expect(actions.filter((action) => action.verb === 'explain').length).toBeGreaterThan(3);
    expect(actions).toContainEqual({ title: 'Audit now', verb: 'command', data: { text: 'audit apim in prod' } });
    expect(text).not.toMatch(/--\w/);
  });

  it('with buttons: Fix where the bot gives a ref, every button naming the kept card, valid and within budget at any size', () => {
    const fixable = new Set<string>();
    const buttons = {
      card: 'kept.b0',
      fix: (finding: { ruleId: string; resourceId: string }) => {
        if (finding.ruleId.endsWith('1')) return undefined;
        fixable.add(finding.resourceId);
        return `fix-${fixable.size}`;
      },
    };
    const card = digestCard(digest(3), { buttons });
    const actions = executeActions(card);
    const fixes = actions.filter((action) => action.verb === 'rowFix');
    expect(fixes.length).toBeGreaterThan(0);
    for (const fix of fixes) expect(fix.data).toEqual({ ref: expect.stringMatching(/^fix-\d+$/) as string, card: 'kept.b0' });
    for (const action of actions) expect(action.data['card']).toBe('kept.b0');
    // Without buttons (the CLI, tests): no Fix and no card field.
    expect(executeActions(digestCard(digest(3))).some((action) => action.verb === 'rowFix' || 'card' in action.data)).toBe(false);
    for (const count of [3, 300]) {
      const rendered = digestCard(digest(count), { buttons });
      expect(schemaErrors(withChartFallback(rendered))).toEqual([]);
      expect(cardBytes(rendered)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
    }
  });

  it('offers Explain only for rule ids, whatever the stored history says', () => {
    const base = digest(0);
    const stored = { ...base.added[0], key: 'x|y', ruleId: '${evil}', severity: 'high' as const, resourceId: service(1), serviceId: service(1), service: 'apim-1', owner: null, firstSeen: NOW.toISOString(), openDays: 0 };
    const card = digestCard({ ...base, added: [stored] });
    expect(fullText(card)).toContain('apim-1:');
    expect(executeActions(card).filter((action) => action.verb === 'explain')).toEqual([]);
  });

  it('says when a late digest was due', () => {
    const card = digestCard(digest(1), { late: { missedAt: '2026-12-07T08:00:00Z', timeZone: 'Europe/Berlin' } });
    expect(fullText(card)).toContain('Late: missed at 2026-12-07 09:00 Europe/Berlin');
    expect(fullText(digestCard(digest(1)))).not.toContain('Late');
  });

  it('leaves the chart out when no week has a score, keeping the trend line nowhere empty', () => {
    const empty = { ...digest(0), trend: digest(0).trend.map((week) => ({ ...week, score: null })) };
    expect(charts(digestCard(empty))).toEqual([]);
  });
});
