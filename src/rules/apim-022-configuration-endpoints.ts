import type { ChildResource } from '../estate/model.js';
import type { Verdict } from './types.js';
import { defineRule, evidence, fail, notApplicable, pass } from './define-rule.js';
import { childPath, childSubject, judgeChildren } from './shared/children.js';
import { change, findingChild, patchChild } from './shared/fix-plans.js';
import { isConsumption } from './shared/sku.js';
import { isFalseFlag, isTrueFlag } from './shared/values.js';

/**
 * The tenant access entries this rule judges (lower-cased ARM names), with what each endpoint is. A
 * Map, not an object literal: entry names come from the estate, and `constructor` must find nothing.
 */
const ENDPOINTS: ReadonlyMap<string, string> = new Map([
  ['access', 'the direct management REST API endpoint'],
  ['gitaccess', 'the Git configuration repository endpoint'],
]);

function judgeEndpoint(entry: ChildResource): Verdict {
  const endpoint = ENDPOINTS.get(entry.name.trim().toLowerCase());
  if (endpoint === undefined) {
    return notApplicable(
      `${childSubject(entry)} is not the direct management (access) or Git (gitAccess) endpoint; this rule does not judge it.`,
    );
  }
  const path = `${childPath(entry)}: properties.enabled`;
  const enabled = entry.properties['enabled'];
  if (enabled === undefined || enabled === null) {
    return notApplicable(`${childSubject(entry)} does not report properties.enabled, so ${endpoint} is not evaluated.`);
  }
  if (isTrueFlag(enabled)) {
    return fail(`${childSubject(entry)} has ${endpoint} enabled.`, [evidence(path, enabled, false)]);
  }
  if (isFalseFlag(enabled)) {
    return pass(`${childSubject(entry)} has ${endpoint} disabled.`, [evidence(path, enabled, false)]);
  }
  return notApplicable(`${childSubject(entry)} has properties.enabled ${JSON.stringify(enabled)}, which is neither true nor false, so ${endpoint} is not evaluated.`);
}

export default defineRule({
  meta: {
    id: 'APIM-022',
    title: 'Direct management and Git configuration endpoints are disabled',
    severity: 'medium',
    category: 'network',
    pillar: 'security',
    needs: ['tenantAccess'],
    fix: 'safe',
    sources: {
      azurePolicy: [
        'b741306c-968e-4b67-b916-5675e5c709f4',
        'df73bd95-24da-4a4f-96b9-4e8b94b402bd',
        '7ca8c8ac-3a6e-493d-99ba-c5fa35347ff2',
      ],
    },
    docs: {
      synopsis: 'The legacy direct management REST API and the Git configuration endpoint of the service are switched off.',
      description:
        'Classic API Management tiers expose two configuration endpoints next to Azure Resource Manager: the direct management REST API ({name}.management.azure-api.net) and the Git configuration repository ({name}.scm.azure-api.net). Both authenticate with shared access keys or tokens of the service rather than Microsoft Entra ID, so callers are not governed by Azure RBAC or Conditional Access, and anyone holding a key can change APIs, policies, users and secrets. When nobody uses them, they are attack surface only.',
      recommendation:
        'Manage the service only through Azure Resource Manager (portal, CLI, Bicep, Terraform, APIOps) and set properties.enabled to false on the tenant access entries access and gitAccess.',
      howChecked:
        'Reads the tenant access entries (Microsoft.ApiManagement/service/tenant) named access and gitAccess (any casing). properties.enabled true (JSON boolean or "true" in any casing) fails the entry, false passes. An entry without properties.enabled is not evaluated and its verdict says so. Other entries (such as gatewayAccess, the self-hosted gateway configuration endpoint) are reported as not applicable. A service whose tenant access list is collected but empty passes.',
      notApplicableWhen:
        'The service is on the Consumption tier (which has neither endpoint), or the tenant access entries were not collected (they are read from ARM by a deep audit).',
      examples: [
        {
          title: 'Azure CLI',
          language: 'bash',
          code: [
            'base="https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>"',
            'for access in access gitAccess; do',
            '  az rest --method patch --headers "If-Match=*" --url "$base/tenant/$access?api-version=2024-05-01" \\',
            '    --body \'{"properties":{"enabled":false}}\'',
            'done',
          ].join('\n'),
        },
        {
          title: 'ARM template (what Azure Policy 7ca8c8ac deploys)',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.ApiManagement/service/tenant',
              apiVersion: '2024-05-01',
              name: '<name>/access',
              properties: { enabled: false },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'Safe fix: disabling changes no API traffic. Only tools that still call the direct management REST API with SAS tokens, or that push configuration through the Git repository, stop working; move them to Azure Resource Manager first. The gatewayAccess entry (self-hosted gateway configuration endpoint, covered by Azure Policy df73bd95 with endpointType "Gateway Configuration") is left alone: self-hosted gateways may depend on it, so switching it off is not a safe automatic change.',
      links: [
        { title: 'Tenant Access (REST API)', url: 'https://learn.microsoft.com/rest/api/apimanagement/tenant-access' },
        { title: 'Save and configure your API Management service configuration using Git', url: 'https://learn.microsoft.com/azure/api-management/api-management-configuration-repository-git' },
        { title: 'Azure Policy built-in definitions for API Management', url: 'https://learn.microsoft.com/azure/api-management/policy-reference' },
      ],
    },
  },
  evaluate(service) {
    if (isConsumption(service)) {
      return notApplicable('Consumption tier has no direct management or Git configuration endpoint.');
    }
    return judgeChildren(service, 'tenantAccess', judgeEndpoint, {
      none: 'The service reports no tenant access entries, so no configuration endpoint is reported as enabled.',
    });
  },
  planFix(service, result) {
    const entry = findingChild(service, 'tenantAccess', result.resourceId);
    if (entry === undefined || isConsumption(service)) return undefined;
    const endpoint = ENDPOINTS.get(entry.name.trim().toLowerCase());
    const enabled = entry.properties['enabled'];
    if (endpoint === undefined || !isTrueFlag(enabled)) return undefined;
    return {
      resourceId: result.resourceId,
      summary: `Disable ${endpoint} of service '${service.name}' (${childPath(entry)}).`,
      request: patchChild(entry, { properties: { enabled: false } }),
      changes: [change(`${childPath(entry)}: properties.enabled`, enabled, false)],
      preconditions: [],
      blastRadius: BLAST_RADIUS.get(entry.name.trim().toLowerCase()) ?? 'Tools that use this endpoint stop working.',
    };
  },
});

const BLAST_RADIUS: ReadonlyMap<string, string> = new Map([
  ['access', 'Scripts and tools that call the legacy direct management REST API (SAS-token authenticated) stop working; the Azure Resource Manager API is unaffected.'],
  ['gitaccess', 'Saving or deploying the service configuration through the Git repository stops working; the Azure Resource Manager API is unaffected.'],
]);
