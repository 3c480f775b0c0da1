import { defineRule } from './define-rule.js';
import { judgeAssessments } from './shared/defender-assessments.js';

/** Defender for APIs recommendation "API endpoints in Azure API Management should be authenticated". */
export const UNAUTHENTICATED_ENDPOINTS_ASSESSMENT = '91af2040-7874-4659-abf0-578e1f8d07dc';

export default defineRule({
  meta: {
    id: 'APIM-038',
    title: 'API endpoints are authenticated',
    failureTitle: 'Unauthenticated API endpoints',
    severity: 'high',
    category: 'api-security',
    pillar: 'security',
    needs: ['securityAssessments'],
    fix: 'manual',
    sources: { azurePolicy: ['8ac833bd-f505-48d5-887e-c993a1d3eea0'] },
    docs: {
      synopsis: 'Require authentication on every API operation that Defender for APIs finds callable without it.',
      description:
        'Microsoft Defender for APIs watches the traffic of onboarded APIs and flags operations that it sees called without authentication: no subscription key, no JWT validated by a policy, no client certificate. Such an endpoint is open to anyone who can reach the gateway, and is a common cause of data exposure (OWASP API Security Top 10: broken authentication).',
      recommendation:
        'For each flagged operation, require a subscription key (product or API subscriptionRequired) and, better, validate a token with validate-jwt or validate-azure-ad-token, or require client certificates. If the operation is public by design, record an exemption with the reason.',
      howChecked:
        `Source: Assessments_List (GET /subscriptions/{id}/providers/Microsoft.Security/assessments, api-version 2021-06-01; the Microsoft.Security REST spec takes a subscription or management group scope, not a resource), read by a deep audit, keeping the assessments whose id is below the service; Azure Policy 8ac833bd audits the same assessment as an extension resource of Microsoft.ApiManagement/service/apis/operations. Judges the assessments named ${UNAUTHENTICATED_ENDPOINTS_ASSESSMENT} (case-insensitive), one per API operation (…/apis/{api}/operations/{op}/providers/Microsoft.Security/assessments/{name}), and names the operation from properties.resourceDetails.id (ARG writes Id; an apiCollections id names the API), else from the assessment id. properties.status.code Healthy passes, Unhealthy fails, NotApplicable ("Assessment for this resource did not happen", REST spec) is not applicable for that operation rather than a pass, and any other or absent code is an error. Other assessments are ignored.`,
      notApplicableWhen:
        'The service has no assessment of this name (the recommendation requires the Defender for APIs plan and APIs onboarded to it), or Defender reports an operation as NotApplicable (not assessed). When the assessments were not collected (a deep audit lists them at the subscription scope; they are in the ARG securityresources table, not in resources) the result is not checked.',
      examples: [
        {
          title: 'Azure CLI: list the assessments (Azure Resource Graph)',
          language: 'bash',
          code: [
            'az graph query -q "securityresources',
            `| where type == 'microsoft.security/assessments' and name == '${UNAUTHENTICATED_ENDPOINTS_ASSESSMENT}'`,
            "| where id contains '/providers/microsoft.apimanagement/service/<name>/'",
            '| project operation = tostring(properties.resourceDetails.Id), status = tostring(properties.status.code)"',
          ].join('\n'),
        },
        {
          title: 'Policy XML: validate an Entra ID token on the API',
          language: 'xml',
          code: [
            '<policies>',
            '  <inbound>',
            '    <base />',
            '    <validate-azure-ad-token tenant-id="<tenant-id>">',
            '      <audiences><audience>api://orders</audience></audiences>',
            '    </validate-azure-ad-token>',
            '  </inbound>',
            '  <backend><base /></backend>',
            '  <outbound><base /></outbound>',
            '  <on-error><base /></on-error>',
            '</policies>',
          ].join('\n'),
        },
      ],
      notes:
        'Manual: adding authentication breaks callers that do not yet send credentials; coordinate with them. The finding is based on observed traffic, so an operation nobody called recently may be reported Healthy or NotApplicable, and fixes show up only after Defender re-assesses (up to a day). Azure Policy 8ac833bd (AuditIfNotExists) reports a missing assessment as non-compliant and a NotApplicable one as compliant; this rule reports both as not applicable, because without an assessment there is nothing to read, and an operation Defender did not assess is not shown to be healthy.',
      links: [
        { title: 'Protect your APIs with Defender for APIs', url: 'https://learn.microsoft.com/azure/defender-for-cloud/defender-for-apis-deploy' },
        { title: 'Security recommendations for APIs (Defender for Cloud)', url: 'https://learn.microsoft.com/azure/defender-for-cloud/recommendations-reference-api' },
        { title: 'Authentication and authorization to APIs in Azure API Management', url: 'https://learn.microsoft.com/azure/api-management/authentication-authorization-overview' },
      ],
    },
  },
  evaluate(service) {
    return judgeAssessments(service, {
      name: UNAUTHENTICATED_ENDPOINTS_ASSESSMENT,
      healthy: (subject) => `${subject} is authenticated according to Defender for APIs.`,
      unhealthy: (subject) => `${subject} can be called without authentication according to Defender for APIs.`,
      missing: `The service has no Defender for APIs assessment of endpoint authentication (${UNAUTHENTICATED_ENDPOINTS_ASSESSMENT}); this check requires Defender for APIs with the service's APIs onboarded.`,
    });
  },
});
