import { describe, expect, it } from 'vitest';
import { CARD_BUDGET_BYTES, cardBytes, serviceFindingCards } from '../../src/cards/render.js';
import { audit, fullText, recordingRefs } from '../cards/support.js';

/** Estate text reaches cards verbatim; megabyte names must be clipped, not blow the Teams size budget. */
describe('finding cards for a service with hostile names', () => {
  it('clips a 60,000-character service name, sku, location and resource group; the card fits', () => {
    const long = 'é'.repeat(60_000);
    const report = audit([
      {
        type: 'Microsoft.ApiManagement/service',
        id: `/subscriptions/s/resourceGroups/${'g'.repeat(50_000)}/providers/Microsoft.ApiManagement/service/x`,
        name: long,
        location: 'L'.repeat(50_000),
        sku: { name: 'S'.repeat(50_000), capacity: 1 },
        properties: { customProperties: { 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10': 'True' } },
      },
    ]);
    const page = serviceFindingCards(report, { refFor: recordingRefs().refFor, pageSize: 5 });
    expect(page.cards.length).toBeGreaterThan(0);
    for (const card of page.cards) expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
    expect(fullText(page.cards[0])).toContain('é'.repeat(40));
    expect(fullText(page.cards[0])).not.toContain('é'.repeat(2000));
  });
});
