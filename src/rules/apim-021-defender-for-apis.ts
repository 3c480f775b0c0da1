import type { ApimService, ChildKind, ChildResource } from '../estate/model.js';
import { API_VERSIONS } from '../contracts/api-versions.js';
import { type FixPrecondition } from '../contracts/fix-plan.js';
import type { Verdict } from './types.js';
import { defineRule, evidence, fail, notApplicable, pass } from './define-rule.js';
import { childSubject, collected, judgeChildren, needsChildren } from './shared/children.js';
import { change, findingChild, precondition } from './shared/fix-plans.js';
import { isBlank } from './shared/values.js';

const NEEDS: readonly ChildKind[] = ['apis', 'apiCollections'];
const COLLECTIONS = 'providers/Microsoft.Security/apiCollections';
const EXPECTED = 'a Microsoft.Security/apiCollections resource named after the API';

/**
 * The API type: ARM GET returns `properties.type`; `properties.apiType` is the import-time field that
 * templates (and PSRule) use. Both absent means http (REST), PSRule's default.
 */
function apiType(api: ChildResource): { value: unknown; kind: string } {
  for (const key of ['type', 'apiType']) {
    const value = api.properties[key];
    if (!isBlank(value)) return { value, kind: typeof value === 'string' ? value.trim().toLowerCase() : JSON.stringify(value) };
  }
  return { value: undefined, kind: 'http' };
}

/** Non-current revisions ("orders;rev=2", or isCurrent false) are not onboarded on their own. */
function isOtherRevision(api: ChildResource): boolean {
  return api.name.toLowerCase().includes(';rev=') || api.properties['isCurrent'] === false;
}

export default defineRule({
  meta: {
    id: 'APIM-021',
    title: 'REST APIs are onboarded to Defender for APIs',
    failureTitle: 'REST APIs not in Defender for APIs',
    severity: 'critical',
    category: 'threat-protection',
    pillar: 'security',
    needs: NEEDS,
    fix: 'guarded',
    sources: {
      psrule: ['Azure.APIM.DefenderCloud', 'AZR-000387'],
      mcsb: ['LT-1'],
    },
    docs: {
      synopsis: 'Every REST API of the service is onboarded to Microsoft Defender for APIs.',
      description:
        'Defender for APIs (a Microsoft Defender for Cloud plan) inventories onboarded APIs, flags unauthenticated, unused and externally exposed endpoints, and raises alerts for attacks such as injection, credential stuffing and data exfiltration seen in gateway traffic. It only watches APIs that are onboarded: each onboarded API is an extension resource Microsoft.Security/apiCollections/{apiId} on the API Management service. An API that is not onboarded is invisible to it.',
      recommendation:
        'Enable the Defender for APIs plan on the subscription, then onboard every current REST API of the service (from Defender for Cloud, from the API Management "Microsoft Defender for Cloud" blade, or with a PUT of the apiCollections resource).',
      howChecked:
        'For each API (Microsoft.ApiManagement/service/apis) it reads properties.type (falling back to properties.apiType); absent or "http" (any casing) is a REST API. Each REST API must have a Microsoft.Security/apiCollections extension resource on the service whose name equals the API name (case-insensitive), or whose properties.discoveredVia is the API\'s resource id. Non-REST APIs (soap, websocket, graphql, grpc, odata) and non-current revisions (name containing ";rev=", or properties.isCurrent false) are not applicable. A service without APIs passes.',
      notApplicableWhen:
        'APIs or the Defender for APIs collections were not collected (they are read from ARM by a deep audit); an API is not a REST API; an API entry is a non-current revision.',
      examples: [
        {
          title: 'Azure CLI (after enabling the plan)',
          language: 'bash',
          code: [
            '# 1. the subscription plan (cost is per API call volume)',
            'az rest --method put --url "https://management.azure.com/subscriptions/<sub>/providers/Microsoft.Security/pricings/Api?api-version=2024-01-01" \\',
            '  --body \'{"properties":{"pricingTier":"Standard","subPlan":"P1"}}\'',
            '# 2. onboard one API (the collection name is the API id)',
            'az rest --method put --url "https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>/providers/Microsoft.Security/apiCollections/<apiId>?api-version=2023-11-15"',
          ].join('\n'),
        },
        {
          title: 'ARM template (extension resource on the service)',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.Security/apiCollections',
              apiVersion: '2023-11-15',
              scope: "[resourceId('Microsoft.ApiManagement/service', '<name>')]",
              name: 'orders',
              dependsOn: ["[resourceId('Microsoft.ApiManagement/service/apis', '<name>', 'orders')]"],
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'Guarded fix: onboarding only works, and only costs, when the Defender for APIs plan (Microsoft.Security/pricings/Api) is enabled on the subscription; confirm the plan and its cost first. PSRule Azure.APIM.DefenderCloud keys on properties.apiType, which ARM GET does not return, so it flags GraphQL, WebSocket and SOAP APIs that Defender for APIs cannot onboard; this rule reports them as not applicable instead. The subscription plan itself is not checked here.',
      links: [
        { title: 'Overview of Microsoft Defender for APIs', url: 'https://learn.microsoft.com/azure/defender-for-cloud/defender-for-apis-introduction' },
        { title: 'Protect your APIs with Defender for APIs', url: 'https://learn.microsoft.com/azure/defender-for-cloud/defender-for-apis-deploy' },
        { title: 'Enable advanced API security features using Microsoft Defender for Cloud', url: 'https://learn.microsoft.com/azure/api-management/protect-with-defender-for-apis' },
        { title: 'PSRule Azure.APIM.DefenderCloud', url: 'https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.DefenderCloud/' },
      ],
    },
  },
  evaluate(service) {
    const { missing } = collected(service, NEEDS);
    if (missing.length > 0) return needsChildren(missing, service);
    const collections = service.children.apiCollections ?? [];

    const judge = (api: ChildResource): Verdict => {
      if (isOtherRevision(api)) {
        return notApplicable(() => `${childSubject(api)} is not the current revision; Defender for APIs onboards the current revision of an API.`);
      }
      const type = apiType(api);
      if (type.kind !== 'http') {
        return notApplicable(() => `${childSubject(api)} is a ${type.kind} API; Defender for APIs onboards REST APIs only.`);
      }
      const path = `${COLLECTIONS}/${api.name}`;
      const onboarded = onboardedCollection(api, collections);
      if (onboarded === undefined) {
        return fail(() => `${childSubject(api)} is a REST API that is not onboarded to Defender for APIs.`, () => [
          evidence(path, undefined, EXPECTED, 'absent — no apiCollections resource has this name'),
        ]);
      }
      return pass(() => `${childSubject(api)} is onboarded to Defender for APIs.`, () => [evidence(path, onboarded.id, EXPECTED)]);
    };

    return judgeChildren(service, 'apis', judge, { none: 'The service has no APIs, so there is nothing to onboard to Defender for APIs.' });
  },
  planFix(service, result) {
    const api = findingChild(service, 'apis', result.resourceId);
    const collections = service.children.apiCollections;
    if (api === undefined || collections === undefined || isOtherRevision(api) || apiType(api).kind !== 'http') return undefined;
    if (onboardedCollection(api, collections) !== undefined) return undefined;
    const path = `${service.id}/${COLLECTIONS}/${api.name}`;
    return {
      resourceId: result.resourceId,
      summary: `Onboard API '${api.name}' of service '${service.name}' to Defender for APIs.`,
      request: { method: 'PUT', path, apiVersion: API_VERSIONS.apiCollections, body: {} },
      changes: [change(`${COLLECTIONS}/${api.name}`, undefined, path)],
      preconditions: [defenderPlan(service, collections)],
      blastRadius:
        'Defender for APIs bills by API call volume under the subscription plan; calls to the API are not changed. Defender starts analysing the API and raises recommendations and alerts for it.',
    };
  },
});

/** The API's collection: one named after the API, or one discovered from the API's id. */
function onboardedCollection(api: ChildResource, collections: readonly ChildResource[]): ChildResource | undefined {
  const name = api.name.toLowerCase();
  const id = api.id.toLowerCase();
  return collections.find((collection) => {
    const via = collection.properties['discoveredVia'];
    return collection.name.toLowerCase() === name || (typeof via === 'string' && via.trim().toLowerCase() === id);
  });
}

/**
 * Onboarding needs the Defender for APIs plan (`Microsoft.Security/pricings/Api`) on the
 * subscription. The estate does not hold pricings; an API of the same service that is onboarded
 * already shows the plan was on when it was onboarded.
 */
function defenderPlan(service: ApimService, collections: readonly ChildResource[]): FixPrecondition {
  const description = 'The Defender for APIs plan is enabled on the subscription';
  const subscription = service.subscriptionId === undefined ? 'the subscription of the service' : `subscription ${service.subscriptionId}`;
  if (collections.length > 0) {
    return precondition(
      description,
      true,
      `Service '${service.name}' already has ${collections.length === 1 ? 'an API' : `${collections.length} APIs`} onboarded, which needs the plan on ${subscription}.`,
    );
  }
  return precondition(
    description,
    false,
    `No API of service '${service.name}' is onboarded yet, so the estate does not show the plan; enable Defender for APIs on ${subscription} (Microsoft.Security/pricings/Api) first, which is billed by API call volume.`,
  );
}
