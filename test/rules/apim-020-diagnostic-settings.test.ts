import rule from '../../src/rules/apim-020-diagnostic-settings.js';
import { apimService, extensionOf, type Raw } from '../support/fixtures.js';
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
  notApplicable: [{ name: 'diagnostic settings not collected', resources: [service], reason: 'needs diagnostic settings' }],
  error: [
    { name: 'only setting has null properties', resources: [service, setting('broken', null)], reason: "Diagnostic setting 'broken' cannot be judged: properties is null." },
    {
      name: 'unreadable setting next to a non-counting one',
      resources: [service, setting('metrics-only', { workspaceId: WORKSPACE, logs: [], metrics: METRICS }), setting('broken', null)],
      reason: 'cannot be judged',
    },
  ],
});
