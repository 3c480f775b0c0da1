import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixAnswer } from '../../src/bot/fix-answer.js';
import { serviceFindingCards, summaryCard } from '../../src/cards/render.js';
import { auditEstate } from '../../src/engine/audit.js';
import type { Report } from '../../src/engine/report.js';
import { normalizeEstate } from '../../src/estate/normalize.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { recordingRefs } from '../cards/support.js';
import { apimService, childOf, extensionOf, type Raw } from '../support/fixtures.js';
import { runCliBinary, scratchDir, writeJson } from '../support/cli.js';

/**
 * Known secrets, made at test time, planted in every place an estate can hold credentials; then
 * every output — table, JSON, CSV, SARIF, the cards and the Fix answers — is searched for them.
 */
const secret = (label: string) => `${label}-${randomBytes(9).toString('hex')}`;
const SECRETS = {
  urlPassword: secret('urlpw'),
  urlQuery: secret('urlsig'),
  apiUrlQuery: secret('apisig'),
  header: secret('hdr'),
  query: secret('qry'),
  authorization: secret('auth'),
  namedValue: secret('nv'),
  plainNamedValue: secret('plainnv'),
  certificatePassword: secret('certpw'),
  encodedCertificate: secret('certdata'),
  subscriptionKey: secret('subkey'),
  tenantKey: secret('tenantkey'),
  clientSecret: secret('idpsecret'),
  policyPassword: secret('policypw'),
  portalValidationKey: secret('delegation'),
};

function plantedEstate(): Raw[] {
  const service = apimService({
    name: 'apim-secrets',
    identity: null,
    properties: {
      publicNetworkAccess: 'Enabled',
      hostnameConfigurations: [
        { type: 'Proxy', hostName: 'api.contoso.com', certificatePassword: SECRETS.certificatePassword, encodedCertificate: SECRETS.encodedCertificate, certificate: { expiry: '2026-06-10T00:00:00Z', subject: 'CN=api.contoso.com', thumbprint: 'AB' } },
      ],
      certificates: [{ storeName: 'Root', encodedCertificate: SECRETS.encodedCertificate, certificatePassword: SECRETS.certificatePassword, certificate: { expiry: '2026-06-05T00:00:00Z' } }],
    },
  });
  const child = (path: string, type: string, properties: Raw) => childOf(service, path, `Microsoft.ApiManagement/service/${type}`, properties);
  return [
    { ...service, collectedChildren: ['apis', 'backends', 'namedValues', 'subscriptions', 'policies', 'tenantAccess', 'identityProviders', 'portalSettings', 'portalConfigs', 'products'] },
    child('apis/orders', 'apis', { displayName: '', path: 'orders', protocols: ['http'], serviceUrl: `http://svc:${SECRETS.urlPassword}@orders.internal/api?sig=${SECRETS.apiUrlQuery}`, isCurrent: true }),
    child('backends/legacy', 'backends', {
      url: `http://admin:${SECRETS.urlPassword}@legacy.internal/x?code=${SECRETS.urlQuery}`,
      protocol: 'http',
      tls: { validateCertificateChain: false, validateCertificateName: false },
      credentials: { header: { 'x-api-key': [SECRETS.header] }, query: { code: [SECRETS.query] }, authorization: { scheme: '', parameter: SECRETS.authorization } },
    }),
    child('backends/basic', 'backends', { url: 'http://basic.internal', protocol: 'http', credentials: { authorization: { scheme: 'Basic', parameter: SECRETS.authorization } } }),
    child('namedValues/db', 'namedValues', { displayName: 'db', secret: true, value: SECRETS.namedValue }),
    child('namedValues/plain', 'namedValues', { displayName: 'plain', secret: false, value: SECRETS.plainNamedValue }),
    child('subscriptions/master', 'subscriptions', { scope: '/apis', state: 'active', displayName: 'All', primaryKey: SECRETS.subscriptionKey, secondaryKey: SECRETS.subscriptionKey }),
    childOf(service, 'tenant/access', 'Microsoft.ApiManagement/service/tenant', { enabled: true, primaryKey: SECRETS.tenantKey, secondaryKey: SECRETS.tenantKey }),
    child('identityProviders/aad', 'identityProviders', { type: 'aad', clientId: 'client', clientSecret: SECRETS.clientSecret }),
    child('policies/policy', 'policies', {
      format: 'rawxml',
      value: `<policies><inbound><cors allow-credentials="true"><allowed-origins><origin>*</origin></allowed-origins></cors><authentication-basic username="u" password="${SECRETS.policyPassword}" /></inbound><backend><forward-request /></backend><outbound /><on-error /></policies>`,
    }),
    child('portalsettings/delegation', 'portalsettings', { enabled: true, url: `https://delegate.contoso.com/?k=${SECRETS.urlQuery}`, validationKey: SECRETS.portalValidationKey }),
    extensionOf(service, 'Microsoft.Insights/diagnosticSettings', 'logs', { workspaceId: `https://ws.example/?sig=${SECRETS.urlQuery}`, logs: [] }),
  ];
}

function leaks(text: string): string[] {
  return Object.entries(SECRETS).filter(([, value]) => text.includes(value)).map(([name]) => name);
}

describe('no secrets in reports', () => {
  const dir = scratchDir();
  const estate = writeJson(dir, 'estate.json', plantedEstate());
  const estateText = readFileSync(estate, 'utf8');

  it('the planted estate holds every secret (so the searches below can find them)', () => {
    expect(leaks(estateText)).toEqual(Object.keys(SECRETS));
  });

  it.each(['table', 'json', 'csv', 'sarif'])('%s output has none of them', (format) => {
    const run = runCliBinary(['audit', '--estate', estate, '--format', format, '--fail-on', 'none', '--verbose', '--as-of', '2026-06-01']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.length).toBeGreaterThan(1000);
    expect(leaks(run.stdout + run.stderr)).toEqual([]);
  });

  it('fix plans, in the JSON report and from `plan` and `fix --dry-run`, have none of them', () => {
    const json = runCliBinary(['audit', '--estate', estate, '--format', 'json', '--fail-on', 'none', '--as-of', '2026-06-01']);
    expect(json.code, json.stderr).toBe(0);
    const planned = (JSON.parse(json.stdout) as { results: { ruleId: string; fixPlan?: unknown }[] }).results.filter((r) => r.fixPlan !== undefined);
    for (const id of ['APIM-022', 'APIM-025', 'APIM-026']) expect(planned.map((r) => r.ruleId)).toContain(id);
    expect(leaks(json.stdout)).toEqual([]);
    for (const args of [
      ['plan', 'APIM-025', '--service', 'apim-secrets'],
      ['plan', 'APIM-022', '--service', 'apim-secrets', '--format', 'json'],
      ['fix', 'APIM-026', '--service', 'apim-secrets', '--dry-run'],
    ]) {
      const run = runCliBinary([...args, '--estate', estate, '--as-of', '2026-06-01']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('PATCH');
      expect(leaks(run.stdout + run.stderr), args.join(' ')).toEqual([]);
    }
  });

  it('report files and the cards have none of them', () => {
    const out = join(dir, 'report.json');
    const run = runCliBinary(['audit', '--estate', estate, '--format', 'json', '--output', out, '--fail-on', 'none']);
    expect(run.code, run.stderr).toBe(0);
    expect(leaks(readFileSync(out, 'utf8'))).toEqual([]);

    const normalized = normalizeEstate(JSON.parse(estateText) as unknown[]);
    const report: Report = auditEstate(normalized, { rules: ALL_RULES, now: new Date('2026-06-01T00:00:00Z'), source: 'estate.json', version: 'test' });
    expect(report.results.some((r) => r.outcome === 'fail')).toBe(true);
    const { refFor, refs } = recordingRefs();
    const cards = [summaryCard(report, { refFor, scopeName: 'test' }), ...serviceFindingCards(report, { refFor, pageSize: 5 }).cards];
    expect(leaks(JSON.stringify(cards))).toEqual([]);

    // Every Fix answer: the planned request as a person would see it.
    const fixes = [...refs.values()].filter((ref) => ref.kind === 'fix');
    expect(fixes.length).toBeGreaterThan(0);
    for (const fix of fixes) {
      const card = fixAnswer(fix.payload as never, normalized, new Date('2026-06-01T00:00:00Z'), {});
      expect(leaks(JSON.stringify(card)), JSON.stringify(fix.payload).slice(0, 200)).toEqual([]);
    }
  });
});
