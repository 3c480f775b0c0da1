import type { ChildResource } from '../estate/model.js';
import type { Verdict } from './types.js';
import { defineRule, evidence, fail, notApplicable, pass } from './define-rule.js';
import { childPath, childSubject, judgeChildren } from './shared/children.js';
import { change, findingChild, patchChild, precondition } from './shared/fix-plans.js';
import { isConsumption, isV2Tier } from './shared/sku.js';
import { isFalseFlag, isTrueFlag } from './shared/values.js';

/**
 * What each known tenant access entry (lower-cased ARM name) switches on. Every entry is judged, as
 * the catalog and Azure Policy b741306c/df73bd95 do (endpoint types Management, Git and Gateway
 * Configuration); an entry not listed here is still judged and named by its ARM name. A Map, not an
 * object literal: entry names come from the estate, and `constructor` must find nothing.
 */
const ENDPOINTS: ReadonlyMap<string, string> = new Map([
  ['access', 'the direct management REST API endpoint'],
  ['gitaccess', 'the Git configuration repository endpoint'],
  ['gatewayaccess', 'the self-hosted gateway configuration endpoint'],
]);

/**
 * Self-hosted gateways may depend on gatewayAccess and the audit does not read them, so a plan to
 * disable it carries a precondition that is never met automatically: a person confirms first.
 */
const GATEWAY_ACCESS = 'gatewayaccess';

function endpointOf(entry: ChildResource): string {
  const name = entry.name.trim().toLowerCase();
  return ENDPOINTS.get(name) ?? `the configuration endpoint '${entry.name}'`;
}

function judgeEndpoint(entry: ChildResource): Verdict {
  const endpoint = endpointOf(entry);
  const path = `${childPath(entry)}: properties.enabled`;
  const enabled = entry.properties['enabled'];
  if (enabled === undefined || enabled === null) {
    return notApplicable(() => `${childSubject(entry)} does not report properties.enabled, so ${endpoint} is not evaluated.`);
  }
  if (isTrueFlag(enabled)) {
    return fail(() => `${childSubject(entry)} has ${endpoint} enabled.`, () => [evidence(path, enabled, false)]);
  }
  if (isFalseFlag(enabled)) {
    return pass(() => `${childSubject(entry)} has ${endpoint} disabled.`, () => [evidence(path, enabled, false)]);
  }
  return notApplicable(() => `${childSubject(entry)} has properties.enabled ${JSON.stringify(enabled)}, which is neither true nor false, so ${endpoint} is not evaluated.`);
}

export default defineRule({
  meta: {
    id: 'APIM-022',
    title: 'Direct management, Git and gateway configuration endpoints are disabled',
    failureTitle: 'Legacy configuration endpoints enabled',
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
      synopsis: 'The legacy direct management REST API, the Git configuration endpoint and the self-hosted gateway configuration endpoint of the service are switched off.',
      description:
        'Classic API Management tiers expose configuration endpoints next to Azure Resource Manager: the direct management REST API ({name}.management.azure-api.net), the Git configuration repository ({name}.scm.azure-api.net) and the self-hosted gateway configuration endpoint. They authenticate with shared access keys or tokens of the service rather than Microsoft Entra ID, so callers are not governed by Azure RBAC or Conditional Access, and anyone holding a key can change APIs, policies, users and secrets. When nobody uses them, they are attack surface only.',
      recommendation:
        'Manage the service only through Azure Resource Manager (portal, CLI, Bicep, Terraform, APIOps) and set properties.enabled to false on every tenant access entry (access, gitAccess and, once no self-hosted gateway uses it, gatewayAccess).',
      howChecked:
        'Reads every tenant access entry (Microsoft.ApiManagement/service/tenant): access, gitAccess, gatewayAccess and any other the service lists, as the catalog and Azure Policy b741306c / df73bd95 (endpoint types Management, Git and Gateway Configuration) do. properties.enabled true (JSON boolean or "true" in any casing) fails the entry with its own evidence, false passes. An entry without properties.enabled, or with a value that is neither true nor false, is not evaluated and its verdict says so. A service whose tenant access list is collected but empty passes.',
      notApplicableWhen:
        'The service is on the Consumption tier or a v2 tier (Basic v2, Standard v2, Premium v2), which have neither direct management API access nor Git configuration (Learn: API Management v2 tiers, "currently unavailable" features). When the tenant access entries were not collected (they are read from ARM by a deep audit) the result is not checked.',
      examples: [
        {
          title: 'Azure CLI',
          language: 'bash',
          code: [
            'base="https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>"',
            'for access in access gitAccess gatewayAccess; do',
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
        'Safe fix for access and gitAccess: disabling changes no API traffic. Only tools that still call the direct management REST API with SAS tokens, or that push configuration through the Git repository, stop working; move them to Azure Resource Manager first. An enabled gatewayAccess entry (self-hosted gateway configuration endpoint, Azure Policy df73bd95 endpointType "Gateway Configuration", also disabled by DINE 7ca8c8ac) fails too; its fix plan carries a precondition that is never met automatically, because self-hosted gateways may depend on it and the audit does not read them: confirm that none does first.',
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
    if (isV2Tier(service)) {
      return notApplicable(
        () => `Service '${service.name}' is on the ${service.sku.name ?? ''} tier; the v2 tiers have no direct management API access and no Git configuration endpoint.`,
      );
    }
    return judgeChildren(service, 'tenantAccess', judgeEndpoint, {
      none: 'The service reports no tenant access entries, so no configuration endpoint is reported as enabled.',
    });
  },
  planFix(service, result) {
    const entry = findingChild(service, 'tenantAccess', result.resourceId);
    if (entry === undefined || isConsumption(service) || isV2Tier(service)) return undefined;
    const endpoint = endpointOf(entry);
    const enabled = entry.properties['enabled'];
    if (!isTrueFlag(enabled)) return undefined;
    const key = entry.name.trim().toLowerCase();
    return {
      resourceId: result.resourceId,
      summary: `Disable ${endpoint} of service '${service.name}' (${childPath(entry)}).`,
      request: patchChild(entry, { properties: { enabled: false } }),
      changes: [change(`${childPath(entry)}: properties.enabled`, enabled, false)],
      preconditions:
        key === GATEWAY_ACCESS
          ? [
              precondition(
                'No self-hosted gateway depends on the gateway configuration endpoint',
                false,
                'The audit does not read self-hosted gateways; confirm that none of them fetches its configuration through this endpoint before disabling it.',
              ),
            ]
          : [],
      blastRadius: BLAST_RADIUS.get(key) ?? 'Tools that use this endpoint stop working.',
    };
  },
});

const BLAST_RADIUS: ReadonlyMap<string, string> = new Map([
  ['access', 'Scripts and tools that call the legacy direct management REST API (SAS-token authenticated) stop working; the Azure Resource Manager API is unaffected.'],
  ['gitaccess', 'Saving or deploying the service configuration through the Git repository stops working; the Azure Resource Manager API is unaffected.'],
  ['gatewayaccess', 'Self-hosted gateways that fetch their configuration through this endpoint stop receiving configuration updates; API traffic through the managed gateway is unaffected.'],
]);
