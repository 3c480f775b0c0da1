import { describe, expect, it } from 'vitest';
import { snapshotOf, stillAsFixed } from '../../src/remediation/snapshot.js';

const TLS10 = 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10';
const TLS11 = 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls11';

describe('snapshotOf (what Revert sends)', () => {
  it('takes the values the fix set from the resource as it was before', () => {
    const body = { properties: { publicNetworkAccess: 'Disabled' } };
    const before = { id: 'x', properties: { publicNetworkAccess: 'Enabled', other: 1 } };
    expect(snapshotOf(body, before)).toEqual({ ok: true, body: { properties: { publicNetworkAccess: 'Enabled' } } });
  });

  it('puts a whole customProperties map back, including keys the fix added', () => {
    const body = { properties: { customProperties: { [TLS10]: 'False', [TLS11]: 'False' } } };
    const before = { properties: { customProperties: { [TLS10]: 'True' } } };
    expect(snapshotOf(body, before)).toEqual({ ok: true, body: { properties: { customProperties: { [TLS10]: 'True' } } } });
    // No map before: Revert sends an empty one, which is what the service had.
    expect(snapshotOf(body, { properties: {} })).toEqual({ ok: true, body: { properties: { customProperties: {} } } });
  });

  it('keeps arrays whole and copies them (a later change to the read does not reach the snapshot)', () => {
    const before = { properties: { protocols: ['http', 'https'] } };
    const snapshot = snapshotOf({ properties: { protocols: ['https'] } }, before);
    before.properties.protocols.push('ws');
    expect(snapshot).toEqual({ ok: true, body: { properties: { protocols: ['http', 'https'] } } });
  });

  it('is not revertable when a value did not exist before, and says which', () => {
    expect(snapshotOf({ properties: { minApiVersion: '2021-08-01' } }, { properties: {} })).toEqual({
      ok: false,
      reason: 'properties.minApiVersion was not set before the fix, and a PATCH cannot unset it',
    });
  });

  it('does not read inherited names from the resource', () => {
    expect(snapshotOf({ properties: { constructor: 'x' } }, { properties: {} })).toMatchObject({ ok: false });
  });
});

describe('stillAsFixed (Revert refuses when someone changed the values since)', () => {
  it('holds when the resource still has what the fix set', () => {
    const body = { properties: { protocols: ['https'], customProperties: { [TLS10]: 'False' } } };
    const current = { properties: { protocols: ['https'], customProperties: { [TLS10.toLowerCase()]: 'False', other: 'x' }, extra: true } };
    expect(stillAsFixed(body, current)).toEqual({ ok: true });
  });

  it('names the first value that changed', () => {
    const body = { properties: { protocols: ['https'], customProperties: { [TLS10]: 'False' } } };
    expect(stillAsFixed(body, { properties: { protocols: ['http', 'https'], customProperties: { [TLS10]: 'False' } } })).toEqual({ ok: false, path: 'properties.protocols' });
    expect(stillAsFixed(body, { properties: { protocols: ['https'], customProperties: { [TLS10]: 'True' } } })).toEqual({ ok: false, path: `properties.customProperties.${TLS10}` });
  });
});
