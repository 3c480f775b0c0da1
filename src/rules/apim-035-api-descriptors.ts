import type { ChildResource } from '../estate/model.js';
import { defineRule } from './define-rule.js';
import { judgeChildren } from './shared/children.js';
import { judgeDescriptors } from './shared/descriptors.js';
import type { Verdict } from './types.js';

function judge(api: ChildResource): Verdict {
  return judgeDescriptors(api, `API '${api.name}'`, `apis/${api.name}`);
}

export default defineRule({
  meta: {
    id: 'APIM-035',
    title: 'APIs have a display name and a description',
    failureTitle: 'API without name or description',
    severity: 'low',
    category: 'governance',
    pillar: 'operational-excellence',
    needs: ['apis'],
    fix: 'manual',
    sources: { psrule: ['Azure.APIM.APIDescriptors', 'AZR-000043'] },
    docs: {
      synopsis: 'Describe every API with a display name and a description.',
      description:
        'The display name and description are how developers find and understand an API in the developer portal and API Center, and how operators recognise it in the Azure portal, logs and alerts. An API without them is harder to discover, to review and to retire; undocumented APIs are a common source of forgotten, unmanaged endpoints.',
      recommendation:
        'Set a meaningful displayName and a description that says what the API does and who owns it. When importing from OpenAPI, fill info.title and info.description in the definition so that every import keeps them.',
      howChecked:
        'Reads each API\'s properties.displayName and properties.description (every API the collection holds, revisions included). Either one absent, null, empty or whitespace-only fails, with evidence for each missing field. A service with no APIs passes.',
      notApplicableWhen: 'APIs were not collected (they are read from ARM by a deep audit).',
      examples: [
        {
          title: 'Azure CLI',
          language: 'bash',
          code: [
            'az apim api update -g <rg> --service-name <name> --api-id <api> \\',
            '  --display-name "Orders" --description "Create, read and cancel orders. Owner: team-orders."',
          ].join('\n'),
        },
        {
          title: 'ARM template',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.ApiManagement/service/apis',
              apiVersion: '2024-05-01',
              name: '<name>/orders',
              properties: {
                displayName: 'Orders',
                description: 'Create, read and cancel orders. Owner: team-orders.',
                path: 'orders',
                protocols: ['https'],
              },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'Content only: the change does not affect callers. Re-importing an OpenAPI definition overwrites displayName and description with the definition\'s title and description, so fix them at the source. The text is for a person to write, so there is no automatic fix.',
      links: [
        { title: 'Import and publish your first API', url: 'https://learn.microsoft.com/azure/api-management/import-and-publish' },
        { title: 'PSRule Azure.APIM.APIDescriptors', url: 'https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.APIDescriptors/' },
      ],
    },
  },
  evaluate(service) {
    return judgeChildren(service, 'apis', judge, { none: 'The service has no APIs.' });
  },
});
