import type { ChildResource } from '../estate/model.js';
import { defineRule, evidence, fail, pass } from './define-rule.js';
import { judgeProducts, productPath } from './shared/products.js';
import type { Verdict } from './types.js';

/** The products API Management creates with a new Developer or Premium (classic) service. */
const SAMPLE_PRODUCTS: readonly string[] = ['starter', 'unlimited'];
const EXPECTED = 'a name other than starter or unlimited (sample products removed)';

function judge(product: ChildResource): Verdict {
  const path = productPath(product, 'name');
  if (SAMPLE_PRODUCTS.includes(product.name.trim().toLowerCase())) {
    return fail(() => `Product '${product.name}' is a sample product that API Management creates with the service.`, () => [
      evidence(path, product.name, EXPECTED, 'sample product — check for subscriptions before deleting it'),
    ]);
  }
  return pass(() => `Product '${product.name}' is not a sample product.`, () => [evidence(path, product.name, EXPECTED)]);
}

export default defineRule({
  meta: {
    id: 'APIM-032',
    title: 'Sample products are removed',
    failureTitle: 'Sample products present',
    severity: 'low',
    category: 'governance',
    pillar: 'operational-excellence',
    needs: ['products'],
    fix: 'manual',
    sources: { psrule: ['Azure.APIM.SampleProducts', 'AZR-000048'] },
    docs: {
      synopsis: 'Delete the sample products "starter" and "unlimited" that come with a new service.',
      description:
        'Services created with the classic tiers come with two sample products, "starter" (rate-limited) and "unlimited" (approval required), published to the developer portal and holding the Echo API. They are made for trying the service out, not for production: their names, limits and descriptions do not reflect your offering, "unlimited" grants unthrottled access to any API later added to it, and APIs added to them by mistake become discoverable.',
      recommendation:
        'Create products that match how you offer your APIs, move consumers to them, then delete starter and unlimited. Delete the Echo API too if nobody uses it.',
      howChecked:
        'Compares each product\'s resource name (not its display name) with "starter" and "unlimited", case-insensitively. A match fails; any other product passes. A service with no products passes.',
      notApplicableWhen: 'Products were not collected (they are read from ARM by a deep audit).',
      examples: [
        {
          title: 'Azure CLI: list subscriptions first, then delete the product and its subscriptions',
          language: 'bash',
          code: [
            'base="https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>"',
            'az rest --method get --url "$base/products/starter/subscriptions?api-version=2024-05-01" --query "value[].{name:name,state:properties.state}"',
            'az rest --method delete --url "$base/products/starter?api-version=2024-05-01&deleteSubscriptions=true" --headers "If-Match=*"',
          ].join('\n'),
        },
      ],
      notes:
        'Manual: deleting a product with deleteSubscriptions=true also deletes its subscriptions, and callers using those keys get 401; without it the delete fails while subscriptions exist. A product you created yourself and named "starter" is flagged too; rename it or record an exemption. The check is by name only, as in PSRule.',
      links: [
        { title: 'Create and publish a product in Azure API Management', url: 'https://learn.microsoft.com/azure/api-management/api-management-howto-add-products' },
        { title: 'Products - Delete (REST)', url: 'https://learn.microsoft.com/rest/api/apimanagement/product/delete' },
        { title: 'PSRule Azure.APIM.SampleProducts', url: 'https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.SampleProducts/' },
      ],
    },
  },
  evaluate(service) {
    return judgeProducts(service, judge);
  },
});
