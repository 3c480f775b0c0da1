import { describe, expect, it } from 'vitest';
import { cardBytes, CARD_BUDGET_BYTES, fixAnswerCard, type FixRequestShown } from '../../src/cards/render.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { fullText, schemaErrors } from './support.js';

const rule = ALL_RULES.find((r) => r.meta.id === 'APIM-030')?.meta;
if (rule === undefined) throw new Error('APIM-030 missing');

function product(index: number): FixRequestShown {
  const url = `https://management.azure.com/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ApiManagement/service/apim-x/products/product-${index}?api-version=2024-05-01`;
  return { method: 'PATCH', url, text: `If-Match: "e${index}"\n\n{\n  "properties": {\n    "subscriptionRequired": true\n  }\n}`, command: `az rest --method patch --url '${url}' --body '{}'`, notes: [] };
}

describe('fix answer card', () => {
  it('lists as many whole requests as fit and counts the rest, naming where all of them are printed', () => {
    const requests = Array.from({ length: 300 }, (_, index) => product(index));
    const card = fixAnswerCard({ rule, serviceName: 'apim-x', changes: [], requests, wholePlanCommand: "apim-posture plan APIM-030 'apim-x'" });
    expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
    expect(schemaErrors(card)).toEqual([]);
    const text = fullText(card);
    const listed = requests.filter((request) => text.includes(request.url)).length;
    expect(listed).toBeGreaterThanOrEqual(4);
    expect(listed).toBeLessThan(300);
    expect(text).toContain(`${300 - listed} more requests do not fit in a Teams card; \`apim-posture plan APIM-030 'apim-x'\` prints them whole.`);
    expect(text).toContain('Requests (300)');
    // Every request listed is whole; none is cut short.
    for (const line of text.split('\n').filter((l) => l.startsWith('https://'))) expect(requests.some((r) => r.url === line)).toBe(true);
  });

  it('shows a single request with its headers, body and command behind one toggle', () => {
    const card = fixAnswerCard({ rule, serviceName: 'apim-x', changes: [], requests: [product(1)] });
    const text = fullText(card);
    for (const part of ['Request', product(1).url, 'If-Match: "e1"', '\u00a0\u00a0"properties": {', 'Azure CLI', product(1).command ?? '']) expect(text).toContain(part);
    expect(text).not.toContain('do not fit');
    expect(schemaErrors(card)).toEqual([]);
  });
});
