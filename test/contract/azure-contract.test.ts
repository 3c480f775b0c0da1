import { describe, expect, it } from 'vitest';
import { AzureContract, ContractRecorder } from '../support/azure-contract.js';

/**
 * The contract checker itself: each rule it applies can fail, so a sandbox or a product that
 * drifts from the specs is caught, naming the operation and the field.
 */
const contract = new AzureContract();
const SERVICE = '/subscriptions/3f6b9c2e-7a41-4d8e-b5c0-91e2d4a7f013/resourceGroups/rg-payments-prod/providers/Microsoft.ApiManagement/service/apim-x';
const APIM = { 'api-version': '2024-05-01' };

function request(method: string, path: string, extra: { query?: Record<string, string>; headers?: Record<string, string>; body?: unknown } = {}) {
  return contract.checkRequest({ method, path, query: extra.query ?? APIM, headers: extra.headers ?? {}, body: extra.body });
}

function fields(violations: readonly { operationId: string; field: string }[]): string[] {
  return violations.map((violation) => `${violation.operationId} ${violation.field}`);
}

describe('AzureContract: requests', () => {
  it('matches method and path to the operation, case-insensitively', () => {
    expect(contract.match('GET', `${SERVICE}/apis`)?.operation.operationId).toBe('Api_ListByService');
    expect(contract.match('patch', `${SERVICE.toLowerCase()}/APIS/orders`)?.operation.operationId).toBe('Api_Update');
    expect(contract.match('GET', `${SERVICE}/apis/orders/operations/get-order/policies`)?.operation.operationId).toBe('ApiOperationPolicy_ListByOperation');
  });

  it('lets an x-ms-skip-url-encoding parameter span segments (extension resources on a service)', () => {
    const matched = contract.match('GET', `${SERVICE}/providers/Microsoft.Insights/diagnosticSettings`);
    expect(matched?.operation.operationId).toBe('DiagnosticSettings_List');
    expect(matched?.values['resourceUri']).toBe(SERVICE.slice(1));
    expect(contract.match('GET', '/subscriptions/3f6b9c2e-7a41-4d8e-b5c0-91e2d4a7f013/providers/Microsoft.Security/assessments')?.operation.operationId).toBe('Assessments_List');
  });

  it('flags a path no vendored operation answers', () => {
    expect(fields(request('GET', `${SERVICE}/gateways`).violations)).toEqual(['(none) path']);
  });

  it("flags an api-version other than the one the operation's spec defines", () => {
    const { violations } = request('GET', `${SERVICE}/apis`, { query: { 'api-version': '2022-08-01' } });
    expect(violations.map((violation) => violation.message)).toEqual(['is "2022-08-01"; this operation is defined for 2024-05-01']);
    expect(fields(request('GET', `${SERVICE}/apis`, { query: {} }).violations)).toEqual(['Api_ListByService query api-version']);
  });

  it('requires If-Match where the spec does (Api_Update), not where it is optional', () => {
    const body = { properties: { protocols: ['https'] } };
    expect(fields(request('PATCH', `${SERVICE}/apis/orders`, { body }).violations)).toEqual(['Api_Update header If-Match']);
    expect(request('PATCH', `${SERVICE}/apis/orders`, { body, headers: { 'If-Match': '"AAAA"' } }).violations).toEqual([]);
    expect(fields(request('PUT', `${SERVICE}/tenant/access`, { body: { properties: { enabled: false } } }).violations)).toEqual(['TenantAccess_Create header If-Match']);
  });

  it('validates the body against its schema and names the field', () => {
    const { violations } = request('PATCH', `${SERVICE}/apis/orders`, { headers: { 'if-match': '*' }, body: { properties: { protocols: ['https', 443] } } });
    expect(fields(violations)).toEqual(['Api_Update body /properties/protocols/1']);
    expect(fields(request('PATCH', `${SERVICE}/apis/orders`, { headers: { 'if-match': '*' } }).violations)).toEqual(['Api_Update body parameters']);
  });

  it('checks path parameters (subscription ids are GUIDs, service names have a pattern)', () => {
    const { violations } = request('GET', '/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.ApiManagement/service/-bad-/apis');
    expect(fields(violations)).toEqual(['Api_ListByService path serviceName', 'Api_ListByService path subscriptionId']);
  });

  it('reads an extensible enum (modelAsString) as any string and a closed one as its values', () => {
    const body = (state: string) => ({ properties: { state, subscriptionRequired: true } });
    expect(request('PATCH', `${SERVICE}/products/starter`, { headers: { 'if-match': '*' }, body: { properties: { displayName: 'x' } } }).violations).toEqual([]);
    // ProductState is modelAsString: false.
    expect(fields(request('PATCH', `${SERVICE}/products/starter`, { headers: { 'if-match': '*' }, body: body('draft') }).violations)).toEqual(['Product_Update body /properties/state']);
    // PublicNetworkAccess is modelAsString: true.
    expect(request('PATCH', SERVICE, { body: { properties: { publicNetworkAccess: 'SecuredByPerimeter' } } }).violations).toEqual([]);
  });
});

describe('AzureContract: responses', () => {
  const list = contract.match('GET', `${SERVICE}/apis`)?.operation;
  const update = contract.match('PATCH', SERVICE)?.operation;
  if (list === undefined || update === undefined) throw new Error('operations missing');
  const api = (properties: Record<string, unknown>) => ({ value: [{ id: `${SERVICE}/apis/a`, name: 'a', type: 'Microsoft.ApiManagement/service/apis', properties: { path: 'a', ...properties } }] });

  it('accepts null for an optional property, as ARM sends it, and rejects it for a required one', () => {
    expect(contract.checkResponse(list, { status: 200, body: api({ description: null, authenticationSettings: { oAuth2: null } }) })).toEqual([]);
    expect(fields(contract.checkResponse(list, { status: 200, body: api({ path: null }) }))).toEqual(['Api_ListByService status 200 body /value/0/properties/path']);
  });

  it('flags a wrong type and names the field', () => {
    expect(fields(contract.checkResponse(list, { status: 200, body: api({ isCurrent: 'yes' }) }))).toEqual(['Api_ListByService status 200 body /value/0/properties/isCurrent']);
  });

  it('flags a nextLink on a list the spec does not page (the SDK would never follow it)', () => {
    const settings = contract.match('GET', `${SERVICE}/portalsettings`)?.operation;
    if (settings === undefined) throw new Error('PortalSettings_ListByService missing');
    expect(fields(contract.checkResponse(settings, { status: 200, body: { value: [], nextLink: 'https://x/next' } }))).toEqual(['PortalSettings_ListByService status 200 body /nextLink']);
    expect(contract.checkResponse(list, { status: 200, body: { value: [], nextLink: 'https://x/next' } })).toEqual([]);
  });

  it('flags a success status the operation does not declare, and checks errors against the default schema', () => {
    expect(fields(contract.checkResponse(list, { status: 202 }))).toEqual(['Api_ListByService status 202']);
    expect(contract.checkResponse(update, { status: 202 })).toEqual([]);
    expect(fields(contract.checkResponse(list, { status: 404, body: { error: { code: 404 } } }))).toEqual(['Api_ListByService status 404 body /error/code']);
  });
});

describe('ContractRecorder', () => {
  it('exempts polls of the URL a 202 named, and reports the rest with operation and field', () => {
    const recorder = new ContractRecorder(contract);
    const poll = `https://127.0.0.1:1${SERVICE}/operationresults/abc`;
    recorder.observe({ request: { method: 'PATCH', path: SERVICE, query: APIM, headers: {}, body: { properties: {} } }, response: { status: 202, headers: { Location: `${poll}?api-version=2024-05-01` } } });
    recorder.observe({ request: { method: 'GET', path: `${SERVICE}/operationresults/abc`, query: APIM, headers: {}, body: undefined }, response: { status: 200, body: { status: 'Succeeded' } } });
    expect(recorder.polls).toBe(1);
    expect(() => { recorder.assertClean(); }).not.toThrow();
    recorder.observe({ request: { method: 'PATCH', path: `${SERVICE}/backends/b`, query: APIM, headers: {}, body: { properties: {} } }, response: { status: 200, body: { properties: { url: 7, protocol: 'http' } } } });
    expect(() => { recorder.assertClean(); }).toThrow(/^2 exchange\(s\) break Azure's REST contract:\nBackend_Update \(PATCH .*\/backends\/b\) request header If-Match: is required and missing\nBackend_Update .* response status 200 body \/properties\/url: must be string$/);
  });
});

describe('the vendored specs', () => {
  it('resolve: every body and response schema of every operation compiles', () => {
    for (const operation of contract.operations) {
      for (const status of operation.responses.keys()) expect(() => contract.checkResponse(operation, { status: status === 'default' ? 500 : Number(status), body: {} })).not.toThrow();
    }
    expect(contract.operations.length).toBeGreaterThanOrEqual(48);
  });
});
