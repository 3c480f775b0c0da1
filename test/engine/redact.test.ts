import { describe, expect, it } from 'vitest';
import { REDACTED, redactEvidence, redactText, redactValue } from '../../src/engine/redact.js';

describe('redaction', () => {
  it.each([
    ['https://user:pw@host.example/a?sig=abc&b=c#frag', `https://host.example/a?sig=${REDACTED}&b=${REDACTED}#frag`],
    ['see http://a:b@h/x and https://h2/?code=1 then.', `see http://h/x and https://h2/?code=${REDACTED} then.`],
    ['no urls here: key=value', 'no urls here: key=value'],
    ['https://host.example/path?flag', 'https://host.example/path?flag'],
    ['"http://u:p@h"', '"http://h"'],
  ])('%s', (input, output) => {
    expect(redactText(input)).toBe(output);
  });

  it('replaces secret fields, credential maps and secret named values, keeping names and flags', () => {
    const value = {
      credentials: { header: { 'x-key': ['s1'] }, query: { code: ['s2'] }, authorization: { scheme: 'Basic', parameter: 's3' } },
      namedValue: { displayName: 'db', secret: true, value: 's4' },
      plain: { displayName: 'x', secret: false, value: 'visible' },
      certificate: { certificatePassword: 's5', encodedCertificate: 's6', expiry: '2026-01-01' },
      keys: { primaryKey: 's7', secondaryKey: 's8', enabled: true },
      idp: { clientId: 'c', clientSecret: 's9' },
      flag: { secret: true },
    };
    const out = JSON.stringify(redactValue(value));
    for (const s of ['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9']) expect(out).not.toContain(`"${s}"`);
    expect(out).toContain('"x-key":"[redacted]"');
    expect(out).toContain('"scheme":"Basic"');
    expect(out).toContain('"visible"');
    expect(out).toContain('"expiry":"2026-01-01"');
    expect(out).toContain('"flag":{"secret":true}');
  });

  it('copies only what changes, keeping every key and item around a secret in order', () => {
    const value = JSON.parse('{"a":1,"list":["x","https://u:p@h/?sig=1",{"Password":"s"}],"__proto__":{"b":2},"Key":"s2","z":[]}') as Record<string, unknown>;
    const out = redactValue(value) as Record<string, unknown>;
    expect(JSON.stringify(out)).toBe(`{"a":1,"list":["x","https://h/?sig=${REDACTED}",{"Password":"${REDACTED}"}],"__proto__":{"b":2},"Key":"${REDACTED}","z":[]}`);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out['z']).toBe(value['z']);
    expect(value['Key']).toBe('s2');
  });

  it('returns the same objects when there is nothing to redact', () => {
    const evidence = [{ path: 'properties.x', actual: { a: ['b'] }, expected: 'c' }];
    expect(redactEvidence(evidence)).toBe(evidence);
  });
});
