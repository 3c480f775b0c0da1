import { z } from 'zod';
import { defineRule, evidence, fail, notApplicable, pass } from './define-rule.js';
import { change, objectField, patchService, serviceAtRest, withField } from './shared/fix-plans.js';
import { isConsumption } from './shared/sku.js';
import { isBlank, readPath, type PropertyPath } from './shared/values.js';

const PATH = 'properties.apiVersionConstraint.minApiVersion';
const MIN_API_VERSION: PropertyPath = ['apiVersionConstraint', 'minApiVersion'];

/** An ARM api-version: a date, optionally with "-preview" (any casing). */
const API_VERSION = /^(\d{4}-\d{2}-\d{2})(?:-preview)?$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * True for a real calendar date in yyyy-mm-dd form (rejects 2021-02-30). Checked by arithmetic on the
 * digits, as every service row is checked; Date.parse would accept 2021-02-30 and roll it over.
 */
function isCalendarDate(date: string): boolean {
  const parts = DATE.exec(date);
  if (parts === null) return false;
  const year = Number(parts[1]);
  const month = Number(parts[2]);
  const day = Number(parts[3]);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  return days !== undefined && day >= 1 && day <= days;
}

/** The date part of an api-version, or undefined when the value is not one. */
function datePart(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const date = API_VERSION.exec(value.trim())?.[1];
  return date !== undefined && isCalendarDate(date) ? date : undefined;
}

const options = z.object({
  /** The oldest control-plane API version to accept (PSRule's AZURE_APIM_MIN_API_VERSION). */
  minimumApiVersion: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date in yyyy-mm-dd form, e.g. 2021-08-01')
    .refine(isCalendarDate, 'expected a real calendar date')
    .default('2021-08-01'),
});

export default defineRule({
  meta: {
    id: 'APIM-014',
    title: 'A minimum control-plane API version of 2021-08-01 or later is enforced',
    failureTitle: 'Old control-plane API versions allowed',
    severity: 'low',
    category: 'governance',
    pillar: 'operational-excellence',
    needs: [],
    fix: 'safe',
    sources: {
      psrule: ['Azure.APIM.MinAPIVersion', 'AZR-000321'],
      azurePolicy: ['549814b6-3212-4203-bdc8-1548d342fb67'],
    },
    docs: {
      synopsis: 'Make API Management reject management calls that use API versions older than 2021-08-01.',
      description:
        'Every ARM template, CLI, SDK and Terraform provider talks to API Management with an api-version. API versions before 2021-08-01 are retired from 1 June 2024, and versions before 2019-12-01 returned secrets (such as subscription keys) in GET responses to read-only users, the original reason for Azure Policy 549814b6. properties.apiVersionConstraint.minApiVersion makes the service refuse control-plane calls below the given version, so outdated tooling fails loudly instead of relying on retired behaviour.',
      recommendation: 'Set properties.apiVersionConstraint.minApiVersion to 2021-08-01 or later, after updating tooling that pins older API versions.',
      howChecked:
        'Reads properties.apiVersionConstraint.minApiVersion. Absent, null or empty fails (no minimum is enforced). Otherwise the date part (a "-preview" suffix is ignored) is compared with the option minimumApiVersion (default 2021-08-01, as PSRule\'s AZURE_APIM_MIN_API_VERSION): an older date fails, the same or a newer one passes. A value that is not an API version (yyyy-mm-dd, optionally -preview) fails. PSRule also checks the deploying template\'s own apiVersion, which is not part of the deployed resource and is not checked here.',
      notApplicableWhen: 'The service is on the Consumption tier, which Azure Policy 549814b6 excludes from this check.',
      examples: [
        {
          title: 'Azure CLI',
          language: 'bash',
          code: [
            'az rest --method patch --url "https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>?api-version=2024-05-01" \\',
            '  --body \'{"properties":{"apiVersionConstraint":{"minApiVersion":"2021-08-01"}}}\'',
          ].join('\n'),
        },
        {
          title: 'ARM template',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.ApiManagement/service',
              apiVersion: '2024-05-01',
              properties: { apiVersionConstraint: { minApiVersion: '2021-08-01' } },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'Low severity: Azure Policy 549814b6 is deprecated ("configuring a minimum API version no longer affects the security posture of API Management services", default effect Disabled), and its rule once had inverted logic (azure-policy issue #1011). The retirement of old API versions is enforced by the platform either way; the constraint mainly makes pinned tooling fail early. Blast radius of the fix: old SDKs, Terraform provider versions and templates pinned to earlier API versions are rejected.',
      links: [
        { title: 'API version retirements (June 2024)', url: 'https://learn.microsoft.com/azure/api-management/breaking-changes/api-version-retirement-sep-2023' },
        { title: 'API Management service – Update (REST API, apiVersionConstraint)', url: 'https://learn.microsoft.com/rest/api/apimanagement/api-management-service/update' },
        { title: 'PSRule Azure.APIM.MinAPIVersion', url: 'https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.MinAPIVersion/' },
      ],
    },
  },
  options,
  evaluate(service, { options: { minimumApiVersion } }) {
    if (isConsumption(service)) {
      return notApplicable(() => `Service '${service.name}' is on the Consumption tier, which the minimum API version check (Azure Policy 549814b6) does not cover.`);
    }
    const value = readPath(service.properties, MIN_API_VERSION);
    if (isBlank(value)) {
      return fail(() => `Service '${service.name}' enforces no minimum control-plane API version (properties.apiVersionConstraint.minApiVersion is not set).`, () => [
        evidence(PATH, undefined, `${minimumApiVersion} or later`, 'absent — no minimum: calls with any API version are accepted'),
      ]);
    }
    const date = datePart(value);
    if (date === undefined) {
      return fail(() => `Service '${service.name}' has minApiVersion ${typeof value === 'string' ? `"${value}"` : JSON.stringify(value)}, which is not an API version (yyyy-mm-dd, optionally with -preview).`, () => [
        evidence(PATH, value, `${minimumApiVersion} or later`, 'not an API version'),
      ]);
    }
    if (date < minimumApiVersion) {
      return fail(() => `Service '${service.name}' accepts control-plane calls from API version ${String(value)}, older than ${minimumApiVersion}.`, () => [
        evidence(PATH, value, `${minimumApiVersion} or later`),
      ]);
    }
    return pass(() => `Service '${service.name}' rejects control-plane calls older than API version ${String(value)}.`, () => [evidence(PATH, value, `${minimumApiVersion} or later`)]);
  },
  planFix(service, result, { options: { minimumApiVersion } }) {
    if (isConsumption(service)) return undefined;
    const value = readPath(service.properties, MIN_API_VERSION);
    const date = datePart(value);
    if (date !== undefined && date >= minimumApiVersion) return undefined;
    // The whole apiVersionConstraint object is sent, keeping any field besides minApiVersion.
    const constraint = withField(objectField(service.properties, 'apiVersionConstraint'), 'minApiVersion', minimumApiVersion);
    return {
      resourceId: result.resourceId,
      summary: `Make service '${service.name}' reject control-plane calls with API versions older than ${minimumApiVersion}.`,
      request: patchService(service, { properties: { apiVersionConstraint: constraint } }),
      changes: [change(PATH, isBlank(value) ? undefined : value, minimumApiVersion)],
      preconditions: [serviceAtRest(service)],
      blastRadius: `Tools pinned to control-plane API versions older than ${minimumApiVersion} (old SDKs, old Terraform provider versions, scripts) get their calls rejected.`,
    };
  },
});
