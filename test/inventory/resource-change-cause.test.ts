import { describe, expect, it } from 'vitest';
import { causeOf, causeOfFinding, causeOfResult, describeCause } from '../../src/inventory/change-cause.js';
import { MAX_PROPERTIES_PER_CHANGE, parseChangeRow, type ResourceChange } from '../../src/inventory/resource-changes.js';

/** Picking the change behind a finding, and reading change rows that may be malformed. */

const SERVICE = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/apim';
const API = `${SERVICE}/apis/orders`;
const TLS10 = 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10';

function change(at: string, changedBy: string, paths: readonly string[], resourceId = SERVICE): ResourceChange {
  return {
    resourceId,
    at,
    changeType: 'Update',
    changedBy,
    changedByType: 'User',
    clientType: 'Azure Portal',
    operation: 'Microsoft.ApiManagement/service/write',
    properties: paths.map((path) => ({ path, before: 'a', after: 'b' })),
  };
}

describe('causeOf', () => {
  const alice = change('2026-12-01T10:00:00.000Z', 'alice', [`properties.customProperties.${TLS10}`]);
  const bob = change('2026-12-02T10:00:00.000Z', 'bob', ['tags.note']);
  const carol = change('2026-11-30T10:00:00.000Z', 'carol', [`properties.customProperties.${TLS10}`]);

  it('picks the latest change to a property the rule reads over a later unrelated one, whatever the order given', () => {
    expect(causeOf([`properties.customProperties['${TLS10}']`], [carol, bob, alice])?.change.changedBy).toBe('alice');
    expect(causeOf([`properties.customProperties['${TLS10}']`], [alice, carol, bob])?.touched.map((p) => p.path)).toEqual([`properties.customProperties.${TLS10}`]);
  });

  it('falls back to the latest change to the resource, marked as touching nothing the rule reads', () => {
    const cause = causeOf(['properties.publicNetworkAccess'], [alice, bob, carol]);
    expect(cause?.change.changedBy).toBe('bob');
    expect(cause?.touched).toEqual([]);
    expect(causeOf(['properties.publicNetworkAccess'], [])).toBeUndefined();
  });

  it('matches below and above the path the rule reads, [*] elements, and compares case-insensitively', () => {
    const below = change('2026-12-01T00:00:00.000Z', 'below', ['tags.env']);
    const above = change('2026-12-01T00:00:00.000Z', 'above', ['properties.customProperties']);
    const element = change('2026-12-01T00:00:00.000Z', 'element', ['properties.additionalLocations[1].location']);
    const sibling = change('2026-12-01T00:00:00.000Z', 'sibling', ['properties.publicNetworkAccessible', 'tagsx']);
    expect(causeOf(['tags'], [sibling, below])?.touched.map((p) => p.path)).toEqual(['tags.env']);
    expect(causeOf([`properties.customProperties['${TLS10}']`], [sibling, above])?.touched).toHaveLength(1);
    expect(causeOf(['properties.additionalLocations[*].location'], [sibling, element])?.touched).toHaveLength(1);
    expect(causeOf(['PROPERTIES.PUBLICNETWORKACCESS'], [change('2026-12-01T00:00:00.000Z', 'x', ['properties.publicNetworkAccess'])])?.touched).toHaveLength(1);
    // A longer name that merely starts like the path is not the property.
    expect(causeOf(['properties.publicNetworkAccess', 'tags'], [sibling])?.touched).toEqual([]);
  });

  it('reads a child finding from its own changes, after the "<where>: " prefix of its evidence', () => {
    const onApi = change('2026-12-01T00:00:00.000Z', 'dave', ['properties.subscriptionRequired'], API);
    const onService = change('2026-12-03T00:00:00.000Z', 'erin', ['tags.x']);
    const result = { resourceId: API, serviceId: SERVICE, evidence: [{ path: 'apis/orders: properties.subscriptionRequired', actual: false, expected: true }] };
    expect(causeOfResult(result, [onService, onApi])).toMatchObject({ change: { changedBy: 'dave' }, touched: [{ path: 'properties.subscriptionRequired' }] });
    // No history for the child (ARG may not track child resources): the service's latest change.
    expect(causeOfResult(result, [onService])?.change.changedBy).toBe('erin');
    // Without a service to fall back to, there is none; another resource's changes never count.
    expect(causeOfFinding({ resourceId: API, paths: ['properties.subscriptionRequired'] }, [onService])).toBeUndefined();
    expect(causeOfFinding({ resourceId: SERVICE, serviceId: SERVICE, paths: ['tags'] }, [onApi])).toBeUndefined();
  });
});

describe('describeCause', () => {
  it('says who changed which property from what to what, in which client and when', () => {
    const cause = causeOf([`properties.customProperties['${TLS10}']`], [change('2026-12-01T10:07:00.000Z', 'alice@contoso.example', [`properties.customProperties.${TLS10}`, 'properties.customProperties.other'])]);
    if (cause === undefined) throw new Error('no cause');
    expect(describeCause(cause)).toBe(`alice@contoso.example changed properties.customProperties.${TLS10} from "a" to "b" in Azure Portal on 2026-12-01 10:07 UTC.`);
    const two = { ...cause, touched: [...cause.touched, { path: 'properties.x', before: null, after: 'y'.repeat(200) }] };
    expect(describeCause(two)).toContain('(and 1 other property) in Azure Portal');
  });

  it('says when the change did not touch what the rule reads, and leaves out an unknown client or name', () => {
    const latest: ResourceChange = { ...change('2026-12-02T08:00:00.000Z', 'x', ['tags.note']), changedBy: undefined, clientType: 'Unknown' };
    const cause = causeOf(['properties.publicNetworkAccess'], [latest]);
    if (cause === undefined) throw new Error('no cause');
    expect(describeCause(cause)).toBe('The latest change to it was by Someone Azure did not name on 2026-12-02 08:00 UTC; it did not touch the properties this rule reads.');
    const valued = causeOf(['tags.note'], [{ ...latest, properties: [{ path: 'tags.note', before: null, after: 'z'.repeat(200) }] }]);
    if (valued === undefined) throw new Error('no cause');
    expect(describeCause(valued)).toMatch(/from absent to "z{79}…" on/);
  });
});

describe('parseChangeRow', () => {
  const row = (properties: Record<string, unknown>) => ({
    id: `${SERVICE}/providers/Microsoft.Resources/changes/1`,
    properties: {
      targetResourceId: SERVICE,
      changeType: 'Update',
      changeAttributes: { timestamp: '2026-12-01T10:00:00.1234567Z', changedBy: 'alice@contoso.example', clientType: 'Azure Portal', operation: 'Microsoft.ApiManagement/service/write' },
      changes: { 'properties.publicNetworkAccess': { previousValue: 'Disabled', newValue: 'Enabled', propertyChangeType: 'Update' } },
      ...properties,
    },
  });

  it('reads the documented shape, Azure timestamps with seven decimals included', () => {
    expect(parseChangeRow(row({}))).toEqual({
      resourceId: SERVICE,
      at: '2026-12-01T10:00:00.123Z',
      changeType: 'Update',
      changedBy: 'alice@contoso.example',
      changedByType: undefined,
      clientType: 'Azure Portal',
      operation: 'Microsoft.ApiManagement/service/write',
      properties: [{ path: 'properties.publicNetworkAccess', before: 'Disabled', after: 'Enabled' }],
    });
  });

  it('drops a row without a target or a readable time', () => {
    expect(parseChangeRow(row({ targetResourceId: undefined }))).toBeUndefined();
    expect(parseChangeRow(row({ targetResourceId: 'not an id' }))).toBeUndefined();
    expect(parseChangeRow(row({ changeAttributes: { timestamp: 'yesterday' } }))).toBeUndefined();
    expect(parseChangeRow(row({ changeAttributes: undefined }))).toBeUndefined();
    expect(parseChangeRow(null)).toBeUndefined();
    expect(parseChangeRow('row')).toBeUndefined();
  });

  it('keeps a row whose who, client and changes are missing or malformed, without them', () => {
    const parsed = parseChangeRow(row({ changeAttributes: { timestamp: '2026-12-01T10:00:00Z', changedBy: 42, clientType: { x: 1 } }, changes: 'everything' }));
    expect(parsed).toMatchObject({ changedBy: undefined, clientType: undefined, properties: [] });
  });

  it('shows values as Azure does, drops malformed entries, strips control characters and caps the list', () => {
    const parsed = parseChangeRow(
      row({
        changeAttributes: { timestamp: '2026-12-01T10:00:00Z', changedBy: 'mallory\u001b[31m\nadmin' },
        changes: {
          'properties.enableClientCertificate': { previousValue: false, newValue: true },
          'sku.capacity': { previousValue: 1, newValue: 2 },
          'tags.a': { previousValue: null },
          'tags.b': 'not an object',
          'tags.c': { previousValue: { nested: 1 }, newValue: 'x' },
        },
      }),
    );
    expect(parsed?.changedBy).toBe('mallory [31m admin');
    expect(parsed?.properties).toEqual([
      { path: 'properties.enableClientCertificate', before: 'False', after: 'True' },
      { path: 'sku.capacity', before: '1', after: '2' },
      { path: 'tags.a', before: null, after: null },
      { path: 'tags.c', before: null, after: 'x' },
    ]);
    const many = Object.fromEntries(Array.from({ length: MAX_PROPERTIES_PER_CHANGE + 5 }, (_, i) => [`tags.t${i}`, { newValue: String(i) }]));
    expect(parseChangeRow(row({ changes: many }))?.properties).toHaveLength(MAX_PROPERTIES_PER_CHANGE);
    expect(parseChangeRow(row({ changeAttributes: { timestamp: '2026-12-01T10:00:00Z', changedBy: 'x'.repeat(5000) } }))?.changedBy?.length).toBe(2048);
  });
});
