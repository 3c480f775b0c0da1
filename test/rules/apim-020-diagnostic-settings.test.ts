import { describe, expect, it } from 'vitest';
import { resolveRuleOptions, RuleOptionsError } from '../../src/engine/options.js';
import rule from '../../src/rules/apim-020-diagnostic-settings.js';
import { apimService, apimV2Service, extensionOf, type Raw } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const service = apimService();
const WORKSPACE = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-sec';
const STORAGE = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-logs/providers/Microsoft.Storage/storageAccounts/stlogs';
const EVENT_HUB = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-logs/providers/Microsoft.EventHub/namespaces/eh-logs/authorizationRules/RootManageSharedAccessKey';
const EXPECTED_LOGS = 'an enabled entry with categoryGroup "audit" or "allLogs", or category "GatewayLogs"';

function setting(name: string, properties: Raw | null): Raw {
  return extensionOf(service, 'Microsoft.Insights/diagnosticSettings', name, properties);
}

const METRICS = [{ category: 'AllMetrics', enabled: true }];

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2: same verdict as a classic tier', resources: [apimV2Service('BasicV2'), setting('to-law', { workspaceId: WORKSPACE, logs: [{ categoryGroup: 'allLogs', enabled: true }], metrics: METRICS })], reason: "Diagnostic setting 'to-law' sends allLogs logs to a Log Analytics workspace." },
    { name: 'PremiumV2: same verdict as a classic tier', resources: [apimV2Service('PremiumV2'), setting('to-law', { workspaceId: WORKSPACE, logs: [{ categoryGroup: 'allLogs', enabled: true }], metrics: METRICS })], reason: "Diagnostic setting 'to-law' sends allLogs logs to a Log Analytics workspace." },
    {
      name: 'allLogs to a Log Analytics workspace',
      resources: [service, setting('to-law', { workspaceId: WORKSPACE, logs: [{ categoryGroup: 'allLogs', enabled: true }], metrics: METRICS })],
      reason: "Diagnostic setting 'to-law' sends allLogs logs to a Log Analytics workspace.",
    },
    { name: 'audit category group to a storage account', resources: [service, setting('to-st', { storageAccountId: STORAGE, logs: [{ categoryGroup: 'audit', enabled: true }] })] },
    {
      name: 'GatewayLogs category to an event hub',
      resources: [service, setting('to-eh', { eventHubAuthorizationRuleId: EVENT_HUB, eventHubName: 'apim', logs: [{ category: 'GatewayLogs', enabled: true }, { category: 'WebSocketConnectionLogs', enabled: false }] })],
      reason: 'sends GatewayLogs logs to an event hub.',
    },
    { name: 'partner solution destination', resources: [service, setting('to-partner', { marketplacePartnerId: '/subscriptions/x/providers/Microsoft.Datadog/monitors/dd', logs: [{ categoryGroup: 'audit', enabled: true }] })] },
    {
      name: 'names in other casing and "True" as a string',
      resources: [service, setting('casing', { workspaceId: WORKSPACE, logs: [{ categoryGroup: 'ALLLOGS', enabled: 'True' }, { category: 'gatewaylogs', enabled: true }] })],
    },
    {
      name: 'one good setting among bad and unreadable ones',
      resources: [
        service,
        setting('metrics-only', { workspaceId: WORKSPACE, logs: [], metrics: METRICS }),
        setting('broken', null),
        setting('good', { workspaceId: WORKSPACE, logs: [{ categoryGroup: 'audit', enabled: true }] }),
      ],
      reason: "Diagnostic setting 'good' sends audit logs",
    },
  ],
  fail: [
    {
      name: 'StandardV2: same verdict as a classic tier',
      resources: [{ ...apimV2Service('StandardV2'), collectedChildren: ['diagnosticSettings'] }],
      reason: 'The service has no diagnostic settings',
      evidence: [{ path: 'providers/Microsoft.Insights/diagnosticSettings', actual: [] }],
    },
    {
      name: 'diagnostic settings collected and there are none',
      resources: [{ ...service, collectedChildren: ['diagnosticSettings'] }],
      reason: 'The service has no diagnostic settings, so its gateway and audit logs are not kept anywhere.',
      evidence: [
        {
          path: 'providers/Microsoft.Insights/diagnosticSettings',
          actual: [],
          expected: `a diagnostic setting with ${EXPECTED_LOGS}, sent to a workspaceId, storageAccountId, eventHubAuthorizationRuleId or marketplacePartnerId`,
          note: 'no diagnostic setting exists',
        },
      ],
      failing: ['apim-test'],
    },
    {
      name: 'metrics-only setting',
      resources: [service, setting('metrics-only', { workspaceId: WORKSPACE, logs: [], metrics: METRICS })],
      reason: "No diagnostic setting sends audit, allLogs or GatewayLogs logs to a destination: 'metrics-only' enables none of these logs.",
      evidence: [{ path: 'diagnosticSettings/metrics-only: properties.logs', actual: [], expected: EXPECTED_LOGS }],
      failing: ['apim-test'],
    },
    {
      name: 'logs disabled',
      resources: [service, setting('off', { workspaceId: WORKSPACE, logs: [{ categoryGroup: 'allLogs', enabled: false }] })],
      evidence: [{ path: 'diagnosticSettings/off: properties.logs', actual: [{ categoryGroup: 'allLogs', enabled: false }] }],
    },
    {
      name: 'only WebSocketConnectionLogs',
      resources: [service, setting('ws', { workspaceId: WORKSPACE, logs: [{ category: 'WebSocketConnectionLogs', enabled: true }] })],
      evidence: [{ path: 'diagnosticSettings/ws: properties.logs', actual: [{ category: 'WebSocketConnectionLogs', enabled: true }] }],
    },
    {
      name: 'logs absent',
      resources: [service, setting('no-logs', { workspaceId: WORKSPACE, metrics: METRICS })],
      evidence: [{ path: 'diagnosticSettings/no-logs: properties.logs', actual: undefined, note: 'absent' }],
    },
    {
      name: 'allLogs enabled but no destination',
      resources: [service, setting('nowhere', { workspaceId: '', logs: [{ categoryGroup: 'allLogs', enabled: true }] })],
      reason: "'nowhere' has no destination.",
      evidence: [{ path: 'diagnosticSettings/nowhere: properties.workspaceId', actual: undefined, expected: 'a workspaceId, storageAccountId, eventHubAuthorizationRuleId or marketplacePartnerId', note: 'sends nowhere' }],
    },
    {
      name: 'mixed settings, none counts: each shortfall named',
      resources: [
        service,
        setting('metrics-only', { workspaceId: WORKSPACE, logs: [], metrics: METRICS }),
        setting('nowhere', { logs: [{ category: 'GatewayLogs', enabled: true }] }),
        setting('empty', {}),
      ],
      reason: "'metrics-only' enables none of these logs; 'nowhere' has no destination; 'empty' enables none of these logs and has no destination.",
      evidence: [
        { path: 'diagnosticSettings/metrics-only: properties.logs', actual: [] },
        { path: 'diagnosticSettings/nowhere: properties.workspaceId', actual: undefined },
        { path: 'diagnosticSettings/empty: properties.logs', actual: undefined },
        { path: 'diagnosticSettings/empty: properties.workspaceId', actual: undefined },
      ],
    },
  ],
  notApplicable: [],
  notChecked: [
    { name: 'diagnostic settings not collected', resources: [service], reason: 'needs diagnostic settings' },
  ],
  error: [
    { name: 'only setting has null properties', resources: [service, setting('broken', null)], reason: "Diagnostic setting 'broken' cannot be judged: properties is null." },
    {
      name: 'unreadable setting next to a non-counting one',
      resources: [service, setting('metrics-only', { workspaceId: WORKSPACE, logs: [], metrics: METRICS }), setting('broken', null)],
      reason: 'cannot be judged',
    },
  ],
  fix: [
    {
      name: 'no settings, workspace configured: a setting is created',
      resources: [{ ...service, collectedChildren: ['diagnosticSettings'] }],
      options: { workspaceId: WORKSPACE },
      summary: "Create diagnostic setting 'apim-posture' on service 'apim-test' to send the allLogs resource logs to Log Analytics workspace 'law-sec'.",
      request: {
        method: 'PUT',
        path: `${String(service['id'])}/providers/Microsoft.Insights/diagnosticSettings/apim-posture`,
        apiVersion: '2021-05-01-preview',
        body: { properties: { workspaceId: WORKSPACE, logs: [{ categoryGroup: 'allLogs', enabled: true }] } },
      },
      changes: [
        { path: 'diagnosticSettings/apim-posture: properties.logs', before: undefined, after: [{ categoryGroup: 'allLogs', enabled: true }] },
        { path: 'diagnosticSettings/apim-posture: properties.workspaceId', before: undefined, after: WORKSPACE },
      ],
      preconditions: [
        { description: 'A log destination is configured', satisfied: true, detail: "workspace 'law-sec' (option workspaceId)" },
        { description: 'room for another diagnostic setting', satisfied: true, detail: 'has 0 diagnostic settings' },
        { description: 'No other diagnostic setting sends logs to the same workspace', satisfied: true },
      ],
    },
    {
      name: 'no workspace configured: the precondition says how to configure it',
      resources: [service, setting('metrics-only', { workspaceId: WORKSPACE, logs: [], metrics: METRICS })],
      summary: 'to a Log Analytics workspace (not configured yet).',
      request: { method: 'PUT', body: { properties: { logs: [{ categoryGroup: 'allLogs', enabled: true }] } } },
      changes: [{ path: 'diagnosticSettings/apim-posture: properties.logs', before: undefined, after: [{ categoryGroup: 'allLogs', enabled: true }] }],
      preconditions: [{ description: 'A log destination is configured', satisfied: false, detail: 'set the option workspaceId of APIM-020 in the configuration file' }],
    },
    {
      name: 'metrics to the same workspace do not clash; audit category group by option',
      resources: [service, setting('metrics-only', { workspaceId: WORKSPACE, logs: [], metrics: METRICS })],
      options: { workspaceId: WORKSPACE, categoryGroup: 'audit' },
      request: { body: { properties: { workspaceId: WORKSPACE, logs: [{ categoryGroup: 'audit', enabled: true }] } } },
      preconditions: [
        { description: 'room for another diagnostic setting', satisfied: true, detail: 'has 1 diagnostic setting.' },
        { description: 'No other diagnostic setting sends logs to the same workspace', satisfied: true },
      ],
    },
    {
      name: 'WebSocket logs already sent to the workspace: the sink cannot be reused',
      resources: [service, setting('ws', { workspaceId: WORKSPACE, logs: [{ category: 'WebSocketConnectionLogs', enabled: true }] })],
      options: { workspaceId: WORKSPACE.toUpperCase() },
      preconditions: [{ description: 'No other diagnostic setting sends logs to the same workspace', satisfied: false, detail: "'ws' already sends logs to" }],
    },
    {
      name: 'five settings already: no room for another',
      resources: [service, ...['a', 'b', 'c', 'd', 'e'].map((name) => setting(name, { storageAccountId: STORAGE, logs: [], metrics: METRICS }))],
      options: { workspaceId: WORKSPACE },
      preconditions: [{ description: 'room for another diagnostic setting', satisfied: false, detail: "already has 5 diagnostic settings ('a', 'b', 'c', 'd', 'e')" }],
    },
    {
      name: 'the setting of an earlier fix is replaced, not added',
      resources: [service, setting('apim-posture', { storageAccountId: STORAGE, logs: [{ categoryGroup: 'allLogs', enabled: false }] })],
      options: { workspaceId: WORKSPACE },
      summary: "Replace diagnostic setting 'apim-posture'",
      changes: [
        { path: 'diagnosticSettings/apim-posture: properties.logs', before: [{ categoryGroup: 'allLogs', enabled: false }], after: [{ categoryGroup: 'allLogs', enabled: true }] },
        { path: 'diagnosticSettings/apim-posture: properties.workspaceId', before: undefined, after: WORKSPACE },
      ],
      preconditions: [{ description: 'room for another diagnostic setting', satisfied: true, detail: "'apim-posture' exists already and is replaced" }],
    },
  ],
});

describe('APIM-020 options', () => {
  it('accepts a Log Analytics workspace id and defaults the category group to allLogs', () => {
    expect(resolveRuleOptions(rule, { workspaceId: WORKSPACE })).toEqual({ workspaceId: WORKSPACE, categoryGroup: 'allLogs' });
  });
  it('rejects a workspace id that is not one, naming the option', () => {
    expect(() => resolveRuleOptions(rule, { workspaceId: STORAGE })).toThrow(RuleOptionsError);
    expect(() => resolveRuleOptions(rule, { workspaceId: 'law-sec' })).toThrow(/option `workspaceId`: expected a Log Analytics workspace resource id/);
  });
});

describe('APIM-020 sources', () => {
  it.each([
    ['567c93f7-3661-494f-a30f-0a94d9bfebf8', 'the catalog source'],
    ['187242f4-89c6-4c43-9a4e-188c0efacc5f', 'Resource logs should be enabled for Audit on supported resources'],
  ])('cites Azure Policy %s (%s)', (policyId) => {
    expect(rule.meta.sources.azurePolicy).toContain(policyId);
  });

  it('links the 187242f4 definition', () => {
    expect(rule.meta.docs.links.some((link) => link.url.endsWith('/Monitoring/DiagnosticSettingsExistsAudit_Audit.json'))).toBe(true);
  });
});
