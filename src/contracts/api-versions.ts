/**
 * ARM api-versions of every request the product sends, in one place: the inventory reads and the
 * fix plans' writes must speak the same version of a resource, or a plan built from a read could
 * drop or rename a property.
 */
export const API_VERSIONS = {
  /** `Microsoft.ApiManagement/service` and its children; the version @azure/arm-apimanagement 10 speaks. */
  apiManagement: '2024-05-01',
  /** `Microsoft.Insights/diagnosticSettings` (extension resource on the service). */
  diagnosticSettings: '2021-05-01-preview',
  /** `Microsoft.Security/apiCollections` (Defender for APIs onboarding, extension resource on the service). */
  apiCollections: '2023-11-15',
  /** `Microsoft.Security/assessments` (Defender for Cloud recommendations). */
  securityAssessments: '2021-06-01',
} as const;
