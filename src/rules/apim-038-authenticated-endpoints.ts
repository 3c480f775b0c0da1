import { defineRule } from './define-rule.js';
import { judgeAssessments } from './shared/defender-assessments.js';

/** Defender for APIs recommendation "API endpoints in Azure API Management should be authenticated". */
export const UNAUTHENTICATED_ENDPOINTS_ASSESSMENT = '91af2040-7874-4659-abf0-578e1f8d07dc';

export default defineRule({
  meta: {
    id: 'APIM-038',
    title: 'API endpoints are authenticated',
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
        `Reads the Microsoft.Security/assessments resources named ${UNAUTHENTICATED_ENDPOINTS_ASSESSMENT} (case-insensitive) whose ids sit under the service (Defender writes one per API operation: …/apis/{api}/operations/{op}/providers/Microsoft.Security/assessments/{name}). properties.status.code Healthy or NotApplicable passes, Unhealthy fails and names the operation (from properties.resourceDetails.id, else the id), any other or absent code is an error. Other assessments are ignored.`,
      notApplicableWhen:
        'Defender for Cloud assessments were not collected (they are in the ARG securityresources table, not in resources), or the service has no assessment of this name: the recommendation requires the Defender for APIs plan and APIs onboarded to it.',
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
        'Manual: adding authentication breaks callers that do not yet send credentials; coordinate with them. The finding is based on observed traffic, so an operation nobody called recently may be reported Healthy or NotApplicable, and fixes show up only after Defender re-assesses (up to a day). Azure Policy 8ac833bd (AuditIfNotExists) reports a missing assessment as non-compliant; this rule reports it as not applicable, because without Defender for APIs there is nothing to read.',
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
