import { describe, expect, it } from 'vitest';
import type { FixPlan, FixRequest } from '../../src/contracts/fix-plan.js';
import {
  armUrl,
  azRestCommand,
  ETAG_NOTE,
  ETAG_PLACEHOLDER,
  planText,
  planView,
  REDACTED_BODY_NOTE,
  requestText,
  shellQuote,
} from '../../src/remediation/plan-text.js';
import { serviceId } from '../support/fixtures.js';
import { azRestRequest, bashWords, shellWords } from '../support/shell-words.js';

const HOSTILE = `it's "$HOME" \`id\` $(rm -rf ~) \\ ; | & > !x\n€ 😀 \u2028`;
const service = serviceId("apim-o'brien$x`y");

const plain: FixRequest = { method: 'PATCH', path: serviceId('apim-test'), apiVersion: '2024-05-01', body: { properties: { publicNetworkAccess: 'Disabled' } } };
const hostile: FixRequest = {
  method: 'PUT',
  path: `${service}/products/st"ar'ter ?#%x`,
  apiVersion: '2024-05-01',
  headers: { 'If-Match': '"AAAA\'$x"' },
  body: { properties: { displayName: HOSTILE, description: "'; echo pwned; '", terms: '`uname`', tags: ['$PATH', "'", '"'] } },
};

function plan(request: FixRequest): FixPlan {
  return {
    ruleId: 'APIM-004',
    resourceId: request.path,
    kind: 'guarded',
    summary: 'Disable public network access.',
    request,
    changes: [{ path: 'properties.publicNetworkAccess', before: 'Enabled', after: 'Disabled' }],
    preconditions: [{ description: 'An approved private endpoint connection exists', satisfied: false, detail: 'None is approved.' }],
    blastRadius: 'Every caller outside the private network loses access.',
  };
}

describe('plan text', () => {
  it('writes the whole ARM URL with its api-version, on the public cloud by default or on the target given', () => {
    expect(armUrl(plain)).toBe(`https://management.azure.com${plain.path}?api-version=2024-05-01`);
    expect(armUrl(plain, 'https://management.usgovcloudapi.net/')).toBe(`https://management.usgovcloudapi.net${plain.path}?api-version=2024-05-01`);
    expect(armUrl(plain, 'https://127.0.0.1:4443')).toBe(`https://127.0.0.1:4443${plain.path}?api-version=2024-05-01`);
  });

  it('percent-encodes what a path segment cannot hold, so a name cannot add a query or a fragment', () => {
    const url = new URL(armUrl(hostile));
    expect(url.search).toBe('?api-version=2024-05-01');
    expect(url.hash).toBe('');
    expect(decodeURIComponent(url.pathname)).toBe(hostile.path);
  });

  it('writes a request as request line, headers, a blank line and the whole indented body', () => {
    const long: FixRequest = { ...plain, body: { properties: { description: 'x'.repeat(5000) } } };
    expect(requestText(long)).toBe(`PATCH ${armUrl(long)}\n\n${JSON.stringify(long.body, null, 2)}`);
    expect(requestText({ ...plain, headers: { 'If-Match': '"x"' } })).toBe(`PATCH ${armUrl(plain)}\nIf-Match: "x"\n\n${JSON.stringify(plain.body, null, 2)}`);
    expect(requestText(long)).not.toContain('…');
  });

  it('quotes every word so a POSIX shell reads it back unchanged', () => {
    for (const value of [HOSTILE, '', "'", "''", 'a\'b"c$d`e\\f', '\n']) {
      expect(shellWords(shellQuote(value))).toEqual([value]);
      expect(bashWords(`az ${shellQuote(value)}`)).toEqual(['az', value]);
    }
  });

  it('gives an az rest command whose words, parsed back by a shell, are exactly the request', () => {
    for (const request of [plain, hostile]) {
      const command = azRestCommand(request, 'https://management.azure.com');
      expect(command).not.toContain('\n');
      for (const words of [shellWords(command), bashWords(command)]) {
        expect(azRestRequest(words)).toEqual({ method: request.method.toLowerCase(), url: armUrl(request), headers: request.headers, body: request.body });
      }
    }
  });

  it('puts a placeholder in place of an If-Match ARM requires but no read supplied, and says so', () => {
    const product: FixRequest = { method: 'PATCH', path: `${serviceId('apim-test')}/products/starter`, apiVersion: '2024-05-01', body: { properties: { subscriptionRequired: true } } };
    expect(azRestRequest(shellWords(azRestCommand(product))).headers).toEqual({ 'If-Match': ETAG_PLACEHOLDER });
    expect(requestText(product)).toContain(`If-Match: ${ETAG_PLACEHOLDER}`);
    expect(planView(plan(product)).notes).toContain(ETAG_NOTE);
    // With the ETag read, the header is sent as read and nothing is left to fill in.
    const read = { ...product, headers: { 'If-Match': '"AAAAAAAQAAE="' } };
    expect(azRestRequest(shellWords(azRestCommand(read))).headers).toEqual({ 'If-Match': '"AAAAAAAQAAE="' });
    expect(planView(plan(read)).notes).toEqual([]);
  });

  it('redacts credentials from the body and withholds the command, which would send the placeholder', () => {
    const secret = 'sig-0123456789abcdef';
    const backend: FixRequest = { method: 'PATCH', path: `${serviceId('apim-test')}/backends/legacy`, apiVersion: '2024-05-01', headers: { 'If-Match': '"e"' }, body: { properties: { url: `https://admin:${secret}@legacy.internal/x?code=${secret}` } } };
    const view = planView({ ...plan(backend), changes: [{ path: 'properties.url', before: `http://admin:${secret}@legacy.internal/x`, after: `https://admin:${secret}@legacy.internal/x` }] });
    const text = planText('APIM-025 on apim-test', view);
    expect(text).not.toContain(secret);
    expect(JSON.stringify(view)).not.toContain(secret);
    expect(view.azRest).toBeUndefined();
    expect(view.notes).toContain(REDACTED_BODY_NOTE);
    expect(text).toContain('?code=[redacted]');
    // Without credentials, the command is there and the view is not marked redacted.
    const clean = planView(plan(plain));
    expect(clean.redacted).toBe(false);
    expect(clean.azRest).toBe(azRestCommand(plain));
  });

  it('prints summary, changes, preconditions, blast radius, request and command, none of it cut', () => {
    const body = { properties: { description: 'd'.repeat(3000), tags: Array.from({ length: 200 }, (_, i) => `tag-${i}`) } };
    const text = planText('APIM-004 on apim-test', planView(plan({ ...plain, body })));
    for (const part of [
      'APIM-004 on apim-test',
      'Disable public network access.',
      'properties.publicNetworkAccess: "Enabled" → "Disabled"',
      '[NOT MET] An approved private endpoint connection exists: None is approved.',
      'Blast radius: Every caller outside the private network loses access.',
      `PATCH ${armUrl(plain)}`,
      JSON.stringify(body, null, 2),
      azRestCommand({ ...plain, body }),
    ]) {
      expect(text).toContain(part);
    }
    expect(text).not.toContain('…');
  });
});
