import { z } from 'zod';
import type { ApimService, ChildResource } from '../estate/model.js';
import { API_VERSIONS } from '../contracts/api-versions.js';
import { type FixChange, type FixPrecondition } from '../contracts/fix-plan.js';
import type { Evidence } from './types.js';
import { defineRule, evidence, fail, pass } from './define-rule.js';
import { needsChildren, unreadableChild } from './shared/children.js';
import { change, precondition } from './shared/fix-plans.js';
import { quoted } from './shared/text.js';
import { equalsIgnoreCase, isBlank, isTrueFlag } from './shared/values.js';

const WORKSPACE_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/i;

const options = z.object({
  /**
   * Where the fix sends the logs: the resource id of a Log Analytics workspace. Without it the fix
   * plan cannot be applied (its precondition says how to set it); the check itself ignores it.
   */
  workspaceId: z
    .string()
    .trim()
    .regex(WORKSPACE_ID, 'expected a Log Analytics workspace resource id: /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>')
    .optional(),
  /** The category group the fix enables: allLogs (includes GatewayLogs) or audit. */
  categoryGroup: z.enum(['allLogs', 'audit']).default('allLogs'),
});

type Options = z.infer<typeof options>;

/** The diagnostic setting the fix creates (or replaces, when a previous fix created it). */
const FIX_SETTING = 'apim-posture';
/** Azure Monitor allows at most five diagnostic settings per resource. */
const MAX_SETTINGS = 5;

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

export default defineRule<Options>({
  meta: {
    id: 'APIM-020',
    title: 'Gateway and audit resource logs are exported by a diagnostic setting',
    failureTitle: 'Resource logs not exported',
    severity: 'medium',
    category: 'logging',
    pillar: 'security',
    needs: ['diagnosticSettings'],
    fix: 'safe',
    sources: {
      azqr: ['apim-001'],
      azurePolicy: ['567c93f7-3661-494f-a30f-0a94d9bfebf8', '187242f4-89c6-4c43-9a4e-188c0efacc5f'],
      mcsb: ['LT-4'],
    },
    docs: {
      synopsis: 'At least one diagnostic setting sends the service\'s gateway or audit resource logs to a Log Analytics workspace, storage account, event hub or partner solution.',
      description:
        'API Management keeps its resource logs — every gateway request (GatewayLogs) and the audit trail of the service — only when a diagnostic setting exports them. Without one, there is no record to investigate an incident, detect abuse of an API or prove who called what; the platform metrics alone do not show individual requests or callers.',
      recommendation:
        'Create a diagnostic setting on the service that enables the "audit" or "allLogs" category group (or at least the GatewayLogs category) and sends it to a Log Analytics workspace, a storage account or an event hub that your security team reads, with a retention that matches your policy. The automatic fix needs a destination: set the rule option `workspaceId` (a Log Analytics workspace resource id) and, if wanted, `categoryGroup` ("allLogs", the default, or "audit") in the configuration file under rules.APIM-020.',
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
        'Safe fix, but only with a configured destination: the auditor must be told which workspace, storage account or event hub to use; it does not create one. The change affects no API traffic; its cost is log ingestion and retention (allLogs on a busy gateway can be large — "audit" is the smaller choice). A service allows at most five diagnostic settings. Azure Policy 187242f4 ("Resource logs should be enabled for Audit on supported resources", AuditIfNotExists, microsoft.apimanagement/service in its default resource types) asks for an enabled log entry with categoryGroup audit or allLogs but no destination; this rule also requires a destination and also accepts the GatewayLogs category. Logs that Application Insights or Azure Monitor diagnostics (Microsoft.ApiManagement/service/diagnostics) collect are a different feature and are not counted here.',
      links: [
        { title: 'Monitor API Management', url: 'https://learn.microsoft.com/azure/api-management/monitor-api-management' },
        {
          title: 'Azure Policy 187242f4: Resource logs should be enabled for Audit on supported resources',
          url: 'https://github.com/Azure/azure-policy/blob/master/built-in-policies/policyDefinitions/Monitoring/DiagnosticSettingsExistsAudit_Audit.json',
        },
        { title: 'Diagnostic settings in Azure Monitor', url: 'https://learn.microsoft.com/azure/azure-monitor/essentials/diagnostic-settings' },
        { title: 'Diagnostic Settings - Create Or Update (REST API)', url: 'https://learn.microsoft.com/rest/api/monitor/diagnostic-settings/create-or-update' },
      ],
    },
  },
  options,
  evaluate(service) {
    const settings = service.children.diagnosticSettings;
    if (settings === undefined) return needsChildren(['diagnosticSettings'], service);
    if (settings.length === 0) {
      return fail('The service has no diagnostic settings, so its gateway and audit logs are not kept anywhere.', () => [
        evidence(SETTINGS, [], EXPECTED_SETTING, 'no diagnostic setting exists on the service'),
      ]);
    }

    const judged = settings.filter((setting) => setting.problem === undefined).map(judgeSetting);
    const counting = judged.filter((j) => j.logs.length > 0 && j.destination !== undefined);
    if (counting.length > 0) {
      return pass(
        () => counting
          .map(({ setting, logs, destination }) => `Diagnostic setting '${setting.name}' sends ${logs.join(' and ')} logs to ${destination?.label ?? 'a destination'}.`)
          .join(' '),
        () => counting.flatMap(({ setting, destination }) => {
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
      () => `No diagnostic setting sends audit, allLogs or GatewayLogs logs to a destination: ${shortfalls.map((s) => s.problem).join('; ')}.`,
      () => shortfalls.flatMap((s) => s.evidence),
    );
  },
  planFix(service, result, { options: { workspaceId, categoryGroup } }) {
    const settings = service.children.diagnosticSettings;
    if (settings === undefined) return undefined;
    const judged = settings.filter((setting) => setting.problem === undefined).map(judgeSetting);
    if (judged.some((j) => j.logs.length > 0 && j.destination !== undefined)) return undefined;
    const own = settings.find((setting) => equalsIgnoreCase(setting.name, FIX_SETTING));
    const others = settings.filter((setting) => setting !== own);
    const logs = [{ categoryGroup, enabled: true }];
    const prefix = `diagnosticSettings/${FIX_SETTING}`;
    const changes: FixChange[] = [change(`${prefix}: properties.logs`, own?.properties['logs'], logs)];
    if (workspaceId !== undefined) changes.push(change(`${prefix}: properties.workspaceId`, own?.properties['workspaceId'], workspaceId));
    const preconditions = [destinationConfigured(workspaceId), roomForSetting(service, own, others)];
    if (workspaceId !== undefined) preconditions.push(workspaceUnused(workspaceId, others));
    return {
      resourceId: result.resourceId,
      summary: `${own === undefined ? 'Create' : 'Replace'} diagnostic setting '${FIX_SETTING}' on service '${service.name}' to send the ${categoryGroup} resource logs to ${workspaceId === undefined ? 'a Log Analytics workspace (not configured yet)' : `Log Analytics workspace '${lastSegment(workspaceId)}'`}.`,
      request: {
        method: 'PUT',
        path: `${service.id}/providers/Microsoft.Insights/diagnosticSettings/${FIX_SETTING}`,
        apiVersion: API_VERSIONS.diagnosticSettings,
        body: { properties: workspaceId === undefined ? { logs } : { workspaceId, logs } },
      },
      changes,
      preconditions,
      blastRadius: 'Ingestion and retention cost in the workspace only; traffic and configuration of the service do not change.',
    };
  },
});

function lastSegment(id: string): string {
  return id.slice(id.lastIndexOf('/') + 1);
}

function destinationConfigured(workspaceId: string | undefined): FixPrecondition {
  const description = 'A log destination is configured';
  return workspaceId === undefined
    ? precondition(
        description,
        false,
        'No Log Analytics workspace is configured for this fix: set the option workspaceId of APIM-020 in the configuration file, e.g. {"rules": {"APIM-020": {"workspaceId": "/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>"}}}.',
      )
    : precondition(description, true, `Logs go to Log Analytics workspace '${lastSegment(workspaceId)}' (option workspaceId).`);
}

function roomForSetting(service: ApimService, own: ChildResource | undefined, others: readonly ChildResource[]): FixPrecondition {
  const description = `The service has room for another diagnostic setting (at most ${MAX_SETTINGS})`;
  if (own !== undefined) return precondition(description, true, `Diagnostic setting '${own.name}' exists already and is replaced.`);
  return others.length < MAX_SETTINGS
    ? precondition(description, true, `Service '${service.name}' has ${others.length} diagnostic setting${others.length === 1 ? '' : 's'}.`)
    : precondition(description, false, `Service '${service.name}' already has ${others.length} diagnostic settings (${quoted(others.map((s) => s.name))}); remove or repurpose one first.`);
}

/** Azure Monitor refuses a second setting that sends the same log categories to the same workspace. */
function workspaceUnused(workspaceId: string, others: readonly ChildResource[]): FixPrecondition {
  const description = 'No other diagnostic setting sends logs to the same workspace';
  const clashing = others.filter((setting) => equalsIgnoreCase(setting.properties['workspaceId'], workspaceId) && sendsLogs(setting));
  return clashing.length === 0
    ? precondition(description, true, `No other diagnostic setting sends logs to '${lastSegment(workspaceId)}'.`)
    : precondition(
        description,
        false,
        `${quoted(clashing.map((setting) => setting.name))} already send${clashing.length === 1 ? 's' : ''} logs to '${lastSegment(workspaceId)}', and a destination cannot take the same category twice; enable the logs in that setting instead, or choose another workspace.`,
      );
}

function sendsLogs(setting: ChildResource): boolean {
  const entries = setting.properties['logs'];
  return Array.isArray(entries) && entries.some((entry: unknown) => typeof entry === 'object' && entry !== null && isTrueFlag((entry as Record<string, unknown>)['enabled']));
}
