import { z } from 'zod';
import { defineRule, evidence, fail, notApplicable, pass } from './define-rule.js';
import { count, quoted } from './shared/text.js';
import { equalsIgnoreCase, readField } from './shared/values.js';
import type { Evidence } from './types.js';

const options = z.object({
  /** Tag keys every service must carry, compared case-insensitively as Azure compares tag names. */
  requiredTags: z.array(z.string().trim().min(1)).default([]),
});

type Options = z.infer<typeof options>;

export default defineRule<Options>({
  meta: {
    id: 'APIM-017',
    title: 'The service carries tags',
    failureTitle: 'Required tags missing',
    severity: 'low',
    category: 'governance',
    pillar: 'operational-excellence',
    needs: [],
    fix: 'manual',
    sources: { azqr: ['apim-007'] },
    docs: {
      synopsis: 'Tag API Management services so that owner, environment and cost centre can be told from the resource.',
      description:
        'Tags are how people and tools find out who owns a service, which environment it belongs to and who pays for it. Untagged services are hard to route incidents for, slip through cost reports and policy scopes, and cannot be placed in an environment by tag-based audit scopes (this product maps environments to the env/environment tag by default).',
      recommendation:
        'Add the tags your organisation requires (for example env, owner, costCenter) and enforce them with Azure Policy (built-in "Require a tag on resources" or "Inherit a tag from the resource group").',
      howChecked:
        'Reads tags. Absent, null or an empty object fails. With the option requiredTags (a list of keys), each key must be present; keys are compared case-insensitively, as Azure treats tag names. Tag values are not judged.',
      notApplicableWhen: 'The service is being deleted (properties.provisioningState "Deleting").',
      examples: [
        {
          title: 'Azure CLI (merge tags without removing existing ones)',
          language: 'bash',
          code: 'az tag update --resource-id "$(az apim show -g <rg> -n <name> --query id -o tsv)" --operation Merge --tags env=prod owner=team-payments costCenter=1234',
        },
        {
          title: 'ARM template',
          language: 'json',
          code: JSON.stringify(
            { type: 'Microsoft.ApiManagement/service', apiVersion: '2024-05-01', name: '<name>', tags: { env: 'prod', owner: 'team-payments', costCenter: '1234' } },
            null,
            2,
          ),
        },
      ],
      notes:
        'Tagging does not touch the gateway and has no runtime effect, but which tags to set and their values are an organisational decision, so the fix is manual. A PATCH of tags replaces the whole map: use az tag update --operation Merge to keep existing tags. azqr\'s removed apim-007 flagged untagged services.',
      links: [
        { title: 'Use tags to organize your Azure resources', url: 'https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources' },
        { title: 'Define your tagging strategy (Cloud Adoption Framework)', url: 'https://learn.microsoft.com/azure/cloud-adoption-framework/ready/azure-best-practices/resource-tagging' },
        { title: 'Assign policy definitions for tag compliance', url: 'https://learn.microsoft.com/azure/azure-resource-manager/management/tag-policies' },
      ],
    },
  },
  options,
  evaluate(service, { options: { requiredTags } }) {
    if (equalsIgnoreCase(readField(service.properties, 'provisioningState'), 'Deleting')) {
      return notApplicable(() => `Service '${service.name}' is being deleted (properties.provisioningState is Deleting), so its tags are not checked.`);
    }
    const tags = service.tags ?? {};
    const keys = Object.keys(tags);
    if (keys.length === 0) {
      const expected = requiredTags.length > 0 ? `tags ${requiredTags.join(', ')}` : 'at least one tag';
      return fail(
        () => `Service '${service.name}' has no tags${requiredTags.length > 0 ? `; required: ${requiredTags.join(', ')}` : ''}.`,
        () => [evidence('tags', service.tags, expected, service.tags === undefined ? 'absent (or null) — no tags' : 'empty — no tags')],
      );
    }
    const missing = requiredTags.filter((required) => !keys.some((key) => key.toLowerCase() === required.toLowerCase()));
    if (missing.length > 0) {
      return fail(
        () => `Service '${service.name}' lacks the required ${missing.length === 1 ? 'tag' : 'tags'} ${quoted(missing)}.`,
        () => missing.map((key): Evidence => evidence(`tags['${key}']`, undefined, 'present', `absent — the service has ${quoted(keys)}`)),
      );
    }
    return pass(
      () => requiredTags.length > 0
        ? `Service '${service.name}' carries every required tag (${requiredTags.join(', ')}).`
        : `Service '${service.name}' carries ${count(keys.length, 'tag')} (${keys.join(', ')}).`,
      () => [evidence('tags', tags, requiredTags.length > 0 ? `tags ${requiredTags.join(', ')}` : 'at least one tag')],
    );
  },
});
