import { createRequire } from 'node:module';
import AjvModule from 'ajv-draft-04';
import formatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { Log } from 'sarif';
import { apimService, GATEWAY, hardenedCustomProperties } from '../support/fixtures.js';
import { runCliBinary, scratchDir, writeJson } from '../support/cli.js';

// The OASIS SARIF 2.1.0 schema (draft-04), as shipped by Microsoft's sarif-js-sdk package.
const require = createRequire(import.meta.url);
// CommonJS modules seen from ESM: the default import is module.exports, whose `default` is the class/plugin.
const Ajv = AjvModule.default;
const addFormats = formatsModule.default;
const sarifSchema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json') as object;
// The schema's language-tag pattern is not valid as a unicode regular expression.
const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(sarifSchema);

const dir = scratchDir();
const weak = apimService({
  name: 'apim-weak',
  properties: { customProperties: { ...hardenedCustomProperties(), [`${GATEWAY}.Security.Protocols.Tls10`]: 'True' } },
});
const exempted = apimService({
  name: 'apim-exempt',
  properties: { customProperties: { ...hardenedCustomProperties(), [`${GATEWAY}.Security.Backend.Protocols.Ssl30`]: 'True' } },
});
const estate = writeJson(dir, 'estate.json', [apimService({ name: 'apim-ok' }), weak, exempted, { ...apimService({ name: 'apim-broken' }), properties: null }]);
const config = writeJson(dir, 'config.json', { exemptions: [{ ruleId: 'APIM-001', resource: 'apim-exempt', reason: 'vendor appliance', expires: '2099-12-31' }] });

describe('SARIF output', () => {
  const run = runCliBinary(['audit', '--estate', estate, '--format', 'sarif', '--config', config], { cwd: dir });
  const log = JSON.parse(run.stdout) as Log;

  it('validates against the SARIF 2.1.0 JSON schema', () => {
    const valid = validate(log);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('has what GitHub code scanning needs: rules with security-severity, located results, fingerprints', () => {
    const sarifRun = log.runs[0];
    const rules = sarifRun?.tool.driver.rules ?? [];
    const apim001 = rules.find((rule) => rule.id === 'APIM-001');
    expect(apim001?.properties?.['security-severity']).toBe('9.5');
    expect(apim001?.shortDescription?.text).toBe('Legacy TLS/SSL protocols are disabled');
    const results = (sarifRun?.results ?? []).filter((r) => r.ruleId === 'APIM-001');
    expect(results).toHaveLength(2);
    const open = results.find((r) => r.suppressions === undefined);
    expect(open?.level).toBe('error');
    expect(open?.message.text).toContain('client TLS 1.0');
    expect(open?.message.text?.split('\n')[0]).toBe('TLS 1.0/1.1 or SSL 3.0 enabled');
    const location = open?.locations?.[0];
    expect(location?.physicalLocation?.artifactLocation?.uri).toBe('estate.json');
    // The line where apim-weak's id stands in the estate file.
    expect(location?.physicalLocation?.region?.startLine).toBeGreaterThan(1);
    expect(location?.logicalLocations?.[0]?.fullyQualifiedName).toMatch(/\/service\/apim-weak$/);
    expect(Object.values(open?.partialFingerprints ?? {})[0]).toMatch(/^[0-9a-f]{32}$/);
  });

  it('marks exempted findings as accepted suppressions and reports errors as notifications', () => {
    const suppressed = log.runs[0]?.results?.find((r) => r.suppressions !== undefined);
    expect(suppressed?.suppressions?.[0]).toMatchObject({ kind: 'external', status: 'accepted', justification: 'vendor appliance (until 2099-12-31)' });
    const notifications = log.runs[0]?.invocations?.[0]?.toolExecutionNotifications ?? [];
    expect(notifications.some((n) => n.message.text?.includes('properties is null'))).toBe(true);
  });

  it('names rules not checked in note notifications, never as results or alerts', () => {
    // The estate carries no APIs, so APIM-024 (HTTPS-only APIs) applies but could not be judged.
    const notifications = log.runs[0]?.invocations?.[0]?.toolExecutionNotifications ?? [];
    const apim024 = notifications.find((n) => n.associatedRule?.id === 'APIM-024');
    expect(apim024?.level).toBe('note');
    expect(apim024?.message.text).toMatch(/^APIM-024 was not checked on 3 services \(the data it needs was not read\): This rule needs APIs/);
    const rules = log.runs[0]?.tool.driver.rules ?? [];
    expect(rules[apim024?.associatedRule?.index ?? -1]?.id).toBe('APIM-024');
    expect((log.runs[0]?.results ?? []).some((r) => r.ruleId === 'APIM-024')).toBe(false);
    const coverage = log.runs[0]?.properties?.['coverage'] as { checked: number; applicable: number } | undefined;
    expect(coverage?.checked).toBeGreaterThan(0);
    expect(coverage?.checked).toBeLessThan(coverage?.applicable ?? 0);
  });
});
