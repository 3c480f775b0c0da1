import { defineRule } from './define-rule.js';
import { judgeAssessments } from './shared/defender-assessments.js';

/** Defender for APIs recommendation "API endpoints that are unused should be disabled and removed". */
export const UNUSED_ENDPOINTS_ASSESSMENT = '4e8c00a2-e8bc-42a8-9e12-99584a51ad10';

export default defineRule({
  meta: {
    id: 'APIM-039',
    title: 'Unused API endpoints are removed',
    failureTitle: 'Unused API endpoints',
    severity: 'medium',
    category: 'api-security',
    pillar: 'security',
    needs: ['securityAssessments'],
    fix: 'manual',
    sources: { azurePolicy: ['c8acafaf-3d23-44d1-9624-978ef0f8652c'] },
    docs: {
      synopsis: 'Disable and remove API operations that Defender for APIs has seen no traffic for in 30 days.',
      description:
        'Every published operation is attack surface: it has to be patched, authenticated and monitored even when nobody uses it. Defender for APIs flags operations that received no traffic for 30 days. Forgotten endpoints ("zombie APIs") tend to keep old behaviour and weaker protection, and are not noticed when they are abused.',
      recommendation:
        'Confirm with the API owner that the operation is no longer needed (check gateway logs beyond 30 days for periodic callers), then remove the operation or the whole API, or at least remove it from its products. Keep it only with an exemption that names the owner and the reason.',
      howChecked:
        `Source: Assessments_List (GET /subscriptions/{id}/providers/Microsoft.Security/assessments, api-version 2021-06-01; the Microsoft.Security REST spec takes a subscription or management group scope, not a resource), read by a deep audit, keeping the assessments whose id is below the service; Azure Policy c8acafaf audits the same assessment as an extension resource of Microsoft.ApiManagement/service/apis/operations. Judges the assessments named ${UNUSED_ENDPOINTS_ASSESSMENT} (case-insensitive), one per API operation (…/apis/{api}/operations/{op}/providers/Microsoft.Security/assessments/{name}), and names the operation from properties.resourceDetails.id (ARG writes Id; an apiCollections id names the API), else from the assessment id. properties.status.code Healthy passes, Unhealthy (no traffic in 30 days) fails, NotApplicable ("Assessment for this resource did not happen", REST spec) is not applicable for that operation rather than a pass, and any other or absent code is an error. Other assessments are ignored.`,
      notApplicableWhen:
        'The service has no assessment of this name (the recommendation requires the Defender for APIs plan and APIs onboarded to it), or Defender reports an operation as NotApplicable (not assessed). When the assessments were not collected (a deep audit lists them at the subscription scope; they are in the ARG securityresources table, not in resources) the result is not checked.',
      examples: [
        {
          title: 'Azure CLI: list unused operations (Azure Resource Graph), then delete one',
          language: 'bash',
          code: [
            'az graph query -q "securityresources',
            `| where type == 'microsoft.security/assessments' and name == '${UNUSED_ENDPOINTS_ASSESSMENT}'`,
            "| where id contains '/providers/microsoft.apimanagement/service/<name>/' and properties.status.code == 'Unhealthy'",
            '| project operation = tostring(properties.resourceDetails.Id)"',
            'az rest --method delete --headers "If-Match=*" \\',
            '  --url "https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>/apis/<api>/operations/<operation>?api-version=2024-05-01"',
          ].join('\n'),
        },
      ],
      notes:
        'Manual: an operation without traffic in 30 days may still be needed (quarterly jobs, disaster recovery, seasonal clients); deleting it breaks them, and its definition is gone unless it is in source control. Fixes show up only after Defender re-assesses (up to a day). Azure Policy c8acafaf (AuditIfNotExists) reports a missing assessment as non-compliant and a NotApplicable one as compliant; this rule reports both as not applicable, because without an assessment there is nothing to read, and an operation Defender did not assess is not shown to be healthy.',
      links: [
        { title: 'Protect your APIs with Defender for APIs', url: 'https://learn.microsoft.com/azure/defender-for-cloud/defender-for-apis-deploy' },
        { title: 'Security recommendations for APIs (Defender for Cloud)', url: 'https://learn.microsoft.com/azure/defender-for-cloud/recommendations-reference-api' },
        { title: 'Azure Policy built-in definitions for API Management', url: 'https://learn.microsoft.com/azure/api-management/policy-reference' },
      ],
    },
  },
  evaluate(service) {
    return judgeAssessments(service, {
      name: UNUSED_ENDPOINTS_ASSESSMENT,
      healthy: (subject) => `${subject} has had traffic in the last 30 days according to Defender for APIs.`,
      unhealthy: (subject) => `${subject} has had no traffic in 30 days according to Defender for APIs; disable and remove it if it is unused.`,
      missing: `The service has no Defender for APIs assessment of unused endpoints (${UNUSED_ENDPOINTS_ASSESSMENT}); this check requires Defender for APIs with the service's APIs onboarded.`,
    });
  },
});
