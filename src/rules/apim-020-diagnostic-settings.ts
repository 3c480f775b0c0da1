import type { ChildResource } from '../estate/model.js';
import type { Evidence } from './types.js';
import { defineRule, evidence, fail, pass } from './define-rule.js';
import { needsChildren, unreadableChild } from './shared/children.js';
import { equalsIgnoreCase, isBlank, isTrueFlag } from './shared/values.js';

const SETTINGS = 'providers/Microsoft.Insights/diagnosticSettings';
/** Category groups (Azure Policy 567c93f7) and the category (azqr, MCSB LT-4) that carry gateway and audit logs. */
const CATEGORY_GROUPS = ['audit', 'allLogs'];
const CATEGORIES = ['GatewayLogs'];
/** Destinations a diagnostic setting can send to, with the words people use for them. */
const DESTINATIONS: readonly { key: string; label: string }[] = [
  { key: 'workspaceId', label: 'a Log Analytics workspace' },
  { key: 'storageAccountId', label: 'a storage account' },
  { key: 'eventHubAuthorizationRuleId', label: 'an event hub' },
  { key: 'marketplacePartnerId', label: 'a partner solution' },
];
const EXPECTED_LOGS = 'an enabled entry with categoryGroup "audit" or "allLogs", or category "GatewayLogs"';
const EXPECTED_DESTINATION = 'a workspaceId, storageAccountId, eventHubAuthorizationRuleId or marketplacePartnerId';
const EXPECTED_SETTING = `a diagnostic setting with ${EXPECTED_LOGS}, sent to ${EXPECTED_DESTINATION}`;

interface Judgement {
  readonly setting: ChildResource;
  /** The enabled log entries that count, by their category group or category name. */
  readonly logs: readonly string[];
  readonly destination: { readonly key: string; readonly label: string } | undefined;
}

function judgeSetting(setting: ChildResource): Judgement {
  const entries = setting.properties['logs'];
  const logs: string[] = [];
  for (const entry of Array.isArray(entries) ? (entries as unknown[]) : []) {
    if (typeof entry !== 'object' || entry === null) continue;
    const record = entry as Record<string, unknown>;
    if (!isTrueFlag(record['enabled'])) continue;
    const group = CATEGORY_GROUPS.find((name) => equalsIgnoreCase(record['categoryGroup'], name));
    const category = CATEGORIES.find((name) => equalsIgnoreCase(record['category'], name));
    const label = group ?? category;
    if (label !== undefined && !logs.includes(label)) logs.push(label);
  }
  const destination = DESTINATIONS.find(({ key }) => !isBlank(setting.properties[key]));
  return { setting, logs, destination };
}

/** Why a setting does not count, and the evidence for it. */
function shortfall({ setting, logs, destination }: Judgement): { problem: string; evidence: Evidence[] } {
  const prefix = `diagnosticSettings/${setting.name}`;
  const problems: string[] = [];
  const found: Evidence[] = [];
  if (logs.length === 0) {
    const raw = setting.properties['logs'];
    problems.push('enables none of these logs');
    found.push(
      raw === undefined || raw === null
        ? evidence(`${prefix}: properties.logs`, undefined, EXPECTED_LOGS, 'absent — the setting sends no resource logs')
        : evidence(`${prefix}: properties.logs`, raw, EXPECTED_LOGS),
    );
  }
  if (destination === undefined) {
    problems.push('has no destination');
    found.push(
      evidence(
        `${prefix}: properties.workspaceId`,
        undefined,
        EXPECTED_DESTINATION,
        'absent, and so are storageAccountId, eventHubAuthorizationRuleId and marketplacePartnerId — the setting sends nowhere',
      ),
    );
  }
  return { problem: `'${setting.name}' ${problems.join(' and ')}`, evidence: found };
}

export default defineRule({
  meta: {
    id: 'APIM-020',
    title: 'Gateway and audit resource logs are exported by a diagnostic setting',
    severity: 'medium',
    category: 'logging',
    pillar: 'security',
    needs: ['diagnosticSettings'],
    fix: 'safe',
    sources: {
      azqr: ['apim-001'],
      azurePolicy: ['567c93f7-3661-494f-a30f-0a94d9bfebf8'],
      mcsb: ['LT-4'],
    },
    docs: {
      synopsis: 'At least one diagnostic setting sends the service\'s gateway or audit resource logs to a Log Analytics workspace, storage account, event hub or partner solution.',
      description:
        'API Management keeps its resource logs — every gateway request (GatewayLogs) and the audit trail of the service — only when a diagnostic setting exports them. Without one, there is no record to investigate an incident, detect abuse of an API or prove who called what; the platform metrics alone do not show individual requests or callers.',
      recommendation:
        'Create a diagnostic setting on the service that enables the "audit" or "allLogs" category group (or at least the GatewayLogs category) and sends it to a Log Analytics workspace, a storage account or an event hub that your security team reads, with a retention that matches your policy.',
      howChecked:
        'Lists the Microsoft.Insights/diagnosticSettings extension resources of the service. It passes when one of them has, in properties.logs, an entry with enabled true (JSON boolean or "true") and categoryGroup "audit" or "allLogs" or category "GatewayLogs" (names compared without regard to case), and also a destination: a non-empty properties.workspaceId, storageAccountId, eventHubAuthorizationRuleId or marketplacePartnerId. It fails when there is no diagnostic setting, or none meets both conditions; metrics-only settings and settings with only other categories (such as WebSocketConnectionLogs) do not count. A setting that cannot be read makes the result an error when no other setting counts.',
      notApplicableWhen: 'The diagnostic settings were not collected (they are read from ARM by a deep audit).',
      examples: [
        {
          title: 'Azure CLI (to an existing Log Analytics workspace)',
          language: 'bash',
          code: [
            'az rest --method put \\',
            '  --url "https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>/providers/Microsoft.Insights/diagnosticSettings/apim-logs?api-version=2021-05-01-preview" \\',
            '  --body \'{"properties":{"workspaceId":"/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<workspace>","logAnalyticsDestinationType":"Dedicated","logs":[{"categoryGroup":"allLogs","enabled":true}]}}\'',
          ].join('\n'),
        },
        {
          title: 'ARM template (extension resource on the service)',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.Insights/diagnosticSettings',
              apiVersion: '2021-05-01-preview',
              scope: "[resourceId('Microsoft.ApiManagement/service', '<name>')]",
              name: 'apim-logs',
              properties: {
                workspaceId: "[parameters('workspaceId')]",
                logAnalyticsDestinationType: 'Dedicated',
                logs: [{ categoryGroup: 'audit', enabled: true }],
              },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'Safe fix, but only with a configured destination: the auditor must be told which workspace, storage account or event hub to use; it does not create one. The change affects no API traffic; its cost is log ingestion and retention (allLogs on a busy gateway can be large — "audit" is the smaller choice). A service allows at most five diagnostic settings. Logs that Application Insights or Azure Monitor diagnostics (Microsoft.ApiManagement/service/diagnostics) collect are a different feature and are not counted here.',
      links: [
        { title: 'Monitor API Management', url: 'https://learn.microsoft.com/azure/api-management/monitor-api-management' },
        { title: 'Diagnostic settings in Azure Monitor', url: 'https://learn.microsoft.com/azure/azure-monitor/essentials/diagnostic-settings' },
        { title: 'Diagnostic Settings - Create Or Update (REST API)', url: 'https://learn.microsoft.com/rest/api/monitor/diagnostic-settings/create-or-update' },
      ],
    },
  },
  evaluate(service) {
    const settings = service.children.diagnosticSettings;
    if (settings === undefined) return needsChildren(['diagnosticSettings']);
    if (settings.length === 0) {
      return fail('The service has no diagnostic settings, so its gateway and audit logs are not kept anywhere.', [
        evidence(SETTINGS, [], EXPECTED_SETTING, 'no diagnostic setting exists on the service'),
      ]);
    }

    const judged = settings.filter((setting) => setting.problem === undefined).map(judgeSetting);
    const counting = judged.filter((j) => j.logs.length > 0 && j.destination !== undefined);
    if (counting.length > 0) {
      return pass(
        counting
          .map(({ setting, logs, destination }) => `Diagnostic setting '${setting.name}' sends ${logs.join(' and ')} logs to ${destination?.label ?? 'a destination'}.`)
          .join(' '),
        counting.flatMap(({ setting, destination }) => {
          const prefix = `diagnosticSettings/${setting.name}`;
          const found = [evidence(`${prefix}: properties.logs`, setting.properties['logs'], EXPECTED_LOGS)];
          if (destination !== undefined) found.push(evidence(`${prefix}: properties.${destination.key}`, setting.properties[destination.key], EXPECTED_DESTINATION));
          return found;
        }),
      );
    }

    // A setting the export could not describe may be the one that counts: report it instead of failing.
    const unreadable = settings.filter((setting) => setting.problem !== undefined);
    if (unreadable.length > 0) return unreadable.map((setting) => unreadableChild(service, setting));

    const shortfalls = judged.map(shortfall);
    return fail(
      `No diagnostic setting sends audit, allLogs or GatewayLogs logs to a destination: ${shortfalls.map((s) => s.problem).join('; ')}.`,
      shortfalls.flatMap((s) => s.evidence),
    );
  },
});
