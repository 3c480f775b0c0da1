import { describe, expect, it } from 'vitest';
import { serviceQuery } from '../../src/inventory/queries.js';
import { renderQuery } from '../../src/inventory/query-text.js';
import { scaleEstate } from '../../src/sandbox/scale.js';
import { startSandbox } from '../../src/sandbox/server.js';
import { argClient } from './support.js';

describe('scaleEstate', () => {
  it('is deterministic per seed and spreads services over every subscription', () => {
    const first = scaleEstate({ services: 300, subscriptions: 40, seed: 7 });
    expect(JSON.stringify(scaleEstate({ services: 300, subscriptions: 40, seed: 7 }))).toBe(JSON.stringify(first));
    expect(JSON.stringify(scaleEstate({ services: 300, subscriptions: 40, seed: 8 }))).not.toBe(JSON.stringify(first));
    const services = first.resources.filter((resource) => resource['type'] === 'Microsoft.ApiManagement/service');
    expect(services).toHaveLength(300);
    expect(first.subscriptions).toHaveLength(40);
    const used = new Set(services.map((service) => String(service['id']).split('/')[2]));
    expect(used.size).toBe(40);
    // Light children: a couple per service.
    expect(first.resources.length - services.length).toBe(600);
  });

  it('builds the benchmark size quickly, and the sandbox pages through it', async () => {
    const started = performance.now();
    const data = scaleEstate({ services: 10_000, subscriptions: 1_000, seed: 1 });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(data.subscriptions).toHaveLength(1_000);

    const sandbox = await startSandbox({ data, argQuota: false });
    try {
      const client = argClient(sandbox);
      const query = renderQuery(serviceQuery([]));
      const subscriptions = data.subscriptions.slice(0, 300).map((subscription) => subscription.subscriptionId);
      let total = 0;
      let skipToken: string | undefined;
      do {
        const page = await client.resources({ subscriptions, query, options: { top: 1000, ...(skipToken === undefined ? {} : { skipToken }) } });
        total += page.count;
        skipToken = page.skipToken;
      } while (skipToken !== undefined);
      expect(total).toBe(3_000);
    } finally {
      await sandbox.close();
    }
  });

  it('refuses sizes that are not positive integers', () => {
    expect(() => scaleEstate({ services: 0 })).toThrow(RangeError);
    expect(() => scaleEstate({ subscriptions: 1.5 })).toThrow(/subscriptions/);
  });
});
