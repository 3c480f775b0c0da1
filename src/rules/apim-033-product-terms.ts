import type { ChildResource } from '../estate/model.js';
import { defineRule, evidence, fail, pass } from './define-rule.js';
import { judgeProducts, productPath } from './shared/products.js';
import type { Verdict } from './types.js';
import { isBlank } from './shared/values.js';

const EXPECTED = 'terms of use text';

function judge(product: ChildResource): Verdict {
  const path = productPath(product, 'properties.terms');
  const terms = product.properties['terms'];
  if (!isBlank(terms)) {
    return pass(() => `Product '${product.name}' has terms of use.`, () => [evidence(path, terms, EXPECTED)]);
  }
  return fail(() => `Product '${product.name}' has no terms of use.`, () => [
    evidence(path, terms, EXPECTED, terms === undefined || terms === null ? 'absent — no terms are shown when subscribing' : 'empty — no terms are shown when subscribing'),
  ]);
}

export default defineRule({
  meta: {
    id: 'APIM-033',
    title: 'Products have terms of use',
    failureTitle: 'Product without terms of use',
    severity: 'medium',
    category: 'governance',
    pillar: 'operational-excellence',
    needs: ['products'],
    fix: 'manual',
    sources: { psrule: ['Azure.APIM.ProductTerms', 'AZR-000050'] },
    docs: {
      synopsis: 'Give every product terms of use that developers accept when they subscribe.',
      description:
        'A product\'s terms are shown in the developer portal when a developer subscribes, and the developer has to accept them. They state what consumers may do with the APIs: rate and fair-use limits, data handling, support and deprecation commitments. Without terms, the service hands out keys with no stated conditions.',
      recommendation:
        'Write terms of use for each product (your legal or API governance team usually owns the text) and set them in properties.terms.',
      howChecked:
        'Reads each product\'s properties.terms. A non-blank string passes; an absent, null, empty or whitespace-only value fails. A service with no products passes.',
      notApplicableWhen: 'Products were not collected (they are read from ARM by a deep audit).',
      examples: [
        {
          title: 'Azure CLI',
          language: 'bash',
          code: [
            'az rest --method patch \\',
            '  --url "https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>/products/<product>?api-version=2024-05-01" \\',
            '  --headers "If-Match=*" \\',
            '  --body \'{"properties":{"terms":"Use of these APIs is subject to the Contoso API terms at https://contoso.com/api-terms."}}\'',
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
              properties: {
                displayName: 'Orders',
                description: 'Order management APIs for partners.',
                terms: 'Use of these APIs is subject to the Contoso API terms at https://contoso.com/api-terms.',
                subscriptionRequired: true,
                approvalRequired: true,
              },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'Content only: setting terms does not change how the gateway handles calls. Existing subscribers are not asked to accept new terms. The wording is for a person to write, so there is no automatic fix.',
      links: [
        { title: 'Create and publish a product in Azure API Management', url: 'https://learn.microsoft.com/azure/api-management/api-management-howto-add-products' },
        { title: 'PSRule Azure.APIM.ProductTerms', url: 'https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.ProductTerms/' },
      ],
    },
  },
  evaluate(service) {
    return judgeProducts(service, judge);
  },
});
