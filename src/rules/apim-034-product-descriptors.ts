import type { ChildResource } from '../estate/model.js';
import { defineRule } from './define-rule.js';
import { judgeDescriptors } from './shared/descriptors.js';
import { judgeProducts } from './shared/products.js';
import type { Verdict } from './types.js';

function judge(product: ChildResource): Verdict {
  return judgeDescriptors(product, `Product '${product.name}'`, `products/${product.name}`);
}

export default defineRule({
  meta: {
    id: 'APIM-034',
    title: 'Products have a display name and a description',
    failureTitle: 'Product without name or description',
    severity: 'low',
    category: 'governance',
    pillar: 'operational-excellence',
    needs: ['products'],
    fix: 'manual',
    sources: { psrule: ['Azure.APIM.ProductDescriptors', 'AZR-000049'] },
    docs: {
      synopsis: 'Describe every product with a display name and a description.',
      description:
        'Developers choose products in the developer portal by their display name and description, and administrators review subscription requests by them. A product without them is hard to find, easy to confuse with another, and hard to govern: nobody can tell what access a subscription to it grants.',
      recommendation:
        'Set a meaningful displayName and a description that says which APIs the product holds, who it is for and what limits apply.',
      howChecked:
        'Reads each product\'s properties.displayName and properties.description. Either one absent, null, empty or whitespace-only fails, with evidence for each missing field. A service with no products passes.',
      notApplicableWhen: 'Products were not collected (they are read from ARM by a deep audit).',
      examples: [
        {
          title: 'Azure CLI',
          language: 'bash',
          code: [
            'az rest --method patch \\',
            '  --url "https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>/products/<product>?api-version=2024-05-01" \\',
            '  --headers "If-Match=*" \\',
            '  --body \'{"properties":{"displayName":"Orders","description":"Order management APIs for partners; 100 calls per minute."}}\'',
          ].join('\n'),
        },
        {
          title: 'ARM template',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.ApiManagement/service/products',
              apiVersion: '2024-05-01',
              name: '<name>/<product>',
              properties: { displayName: 'Orders', description: 'Order management APIs for partners; 100 calls per minute.' },
            },
            null,
            2,
          ),
        },
      ],
      notes: 'Content only: the change does not affect callers. The text is for a person to write, so there is no automatic fix.',
      links: [
        { title: 'Create and publish a product in Azure API Management', url: 'https://learn.microsoft.com/azure/api-management/api-management-howto-add-products' },
        { title: 'PSRule Azure.APIM.ProductDescriptors', url: 'https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.ProductDescriptors/' },
      ],
    },
  },
  evaluate(service) {
    return judgeProducts(service, judge);
  },
});
