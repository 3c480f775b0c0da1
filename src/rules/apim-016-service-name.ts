import { z } from 'zod';
import { defineRule, evidence, fail, notApplicable, pass } from './define-rule.js';
import { quoted } from './shared/text.js';
import type { Evidence } from './types.js';

const options = z.object({
  /** Naming-convention prefix the name must start with (case-insensitive), e.g. "apim" (CAF). */
  requiredPrefix: z.string().trim().min(1).optional(),
});

type Options = z.infer<typeof options>;

const MAX_LENGTH = 50;
/** PSRule's pattern as written; documentation only, see {@link NAME_PATTERN}. */
const PSRULE_PATTERN = '^[a-zA-Z]([A-Za-z0-9-]*[a-zA-Z0-9]){0,49}$';
/**
 * The same language as {@link PSRULE_PATTERN} for names of at most 50 characters, without its
 * nested quantifiers: `(x*y){0,49}` backtracks exponentially on a long name ending in a hyphen.
 * A letter, then optionally letters, digits and hyphens that end with a letter or digit.
 */
const NAME_PATTERN = /^[a-zA-Z](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const NAME_EXPECTED = `1–${MAX_LENGTH} characters matching ${PSRULE_PATTERN}`;

export default defineRule<Options>({
  meta: {
    id: 'APIM-016',
    title: 'The service name meets the naming rules',
    failureTitle: 'Service name breaks naming rules',
    severity: 'low',
    category: 'governance',
    pillar: 'operational-excellence',
    needs: [],
    fix: 'manual',
    sources: {
      psrule: ['Azure.APIM.Name', 'AZR-000056'],
      azqr: ['apim-006'],
    },
    docs: {
      synopsis: 'Name API Management services within the Azure naming restrictions and, optionally, with the naming-convention prefix of your organisation.',
      description:
        'The service name becomes the host name of the gateway, the developer portal and the management endpoint (<name>.azure-api.net), so it must be 1 to 50 characters, start with a letter, contain only letters, digits and hyphens, and end with a letter or digit. A consistent prefix such as "apim" (Cloud Adoption Framework) makes the resource type obvious in lists, cost reports and logs.',
      recommendation:
        'Choose a name that meets the restrictions and starts with the prefix of your convention, e.g. apim-payments-prod-weu-001. Names cannot be changed: a new name means a new service.',
      howChecked: `Reads the resource name (name; when it is blank, the last segment of the resource id). Fails when it is longer than ${MAX_LENGTH} characters or does not match PSRule's pattern ${PSRULE_PATTERN} (checked in an equivalent form without nested quantifiers). With the option requiredPrefix set, also fails when the name does not start with that prefix (compared case-insensitively, as Azure compares names).`,
      notApplicableWhen: 'Neither the name nor the resource id of the entry carries a name, so there is nothing to check.',
      examples: [
        {
          title: 'Azure CLI (check whether a name is valid and free)',
          language: 'bash',
          code: 'az apim check-name --name apim-payments-prod-weu-001',
        },
        {
          title: 'ARM template (name with the "apim" prefix)',
          language: 'json',
          code: JSON.stringify({ type: 'Microsoft.ApiManagement/service', apiVersion: '2024-05-01', name: 'apim-payments-prod-weu-001', location: 'westeurope' }, null, 2),
        },
      ],
      notes:
        'A service cannot be renamed. Fixing a name means creating a new service (a backup and restore to a new name, or a fresh deployment), moving custom domains and DNS, and telling every caller: for an existing service, exempt the finding unless it is being rebuilt anyway. Services whose names break the Azure restrictions cannot exist; such a finding points at a bad export. azqr\'s removed apim-006 only checked the prefix "apim".',
      links: [
        { title: 'Naming rules and restrictions for Azure resources (Microsoft.ApiManagement)', url: 'https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftapimanagement' },
        { title: 'Abbreviation recommendations for Azure resources', url: 'https://learn.microsoft.com/azure/cloud-adoption-framework/ready/azure-best-practices/resource-abbreviations' },
        { title: 'PSRule Azure.APIM.Name', url: 'https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.Name/' },
      ],
    },
  },
  options,
  evaluate(service, { options: { requiredPrefix } }) {
    const hasName = service.name.trim() !== '';
    const name = hasName ? service.name : service.id.slice(service.id.lastIndexOf('/') + 1);
    if (name.trim() === '') {
      return notApplicable('The service entry has no name and its resource id does not end with one, so the name cannot be checked.');
    }
    const fromIdNote = hasName ? undefined : 'name is blank; taken from the last segment of id';
    const problems: string[] = [];
    const found: Evidence[] = [];
    if (name.length > MAX_LENGTH || !NAME_PATTERN.test(name)) {
      problems.push(describeViolation(name));
      found.push(evidence('name', name, NAME_EXPECTED, [`${name.length} characters`, fromIdNote].filter(Boolean).join('; ')));
    }
    if (requiredPrefix !== undefined && !name.toLowerCase().startsWith(requiredPrefix.toLowerCase())) {
      problems.push(`it does not start with the required prefix '${requiredPrefix}'`);
      found.push(evidence('name', name, `starts with '${requiredPrefix}'`, ['requiredPrefix (naming convention)', fromIdNote].filter(Boolean).join('; ')));
    }
    if (problems.length > 0) {
      return fail(() => `The name of service '${name}' does not meet the naming rules: ${problems.join('; ')}.`, found);
    }
    return pass(
      () => requiredPrefix === undefined
        ? `The name of service '${name}' meets the Azure naming rules.`
        : `The name of service '${name}' meets the Azure naming rules and starts with '${requiredPrefix}'.`,
      () => [evidence('name', name, NAME_EXPECTED, fromIdNote)],
    );
  },
});

/** The first restriction a name breaks, in words a person can act on. */
function describeViolation(name: string): string {
  if (name.length > MAX_LENGTH) return `it has ${name.length} characters, more than ${MAX_LENGTH}`;
  if (!/^[a-zA-Z]/.test(name)) return 'it does not start with a letter';
  const bad = [...new Set(name.replace(/[A-Za-z0-9-]/g, ''))];
  if (bad.length > 0) return `it contains characters other than letters, digits and hyphens (${quoted(bad)})`;
  return 'it ends with a hyphen';
}
