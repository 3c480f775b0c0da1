import type { ChildResource } from '../estate/model.js';
import { defineRule, evidence, fail, pass } from './define-rule.js';
import { change, findingChild, patchChild, precondition } from './shared/fix-plans.js';
import { judgeProducts, productPath } from './shared/products.js';
import type { Evidence, Verdict } from './types.js';
import { isTrueFlag } from './shared/values.js';

function judge(product: ChildResource): Verdict {
  const path = productPath(product, 'properties.approvalRequired');
  const value = product.properties['approvalRequired'];
  if (isTrueFlag(value)) {
    return pass(() => `Product '${product.name}' requires approval of new subscriptions.`, () => [evidence(path, value, true)]);
  }
  const found: Evidence[] = [
    evidence(
      path,
      value,
      true,
      value === undefined || value === null
        ? 'absent — platform default: false (subscriptions are approved automatically)'
        : 'new subscriptions are approved automatically',
    ),
  ];
  const subscriptionRequired = product.properties['subscriptionRequired'];
  if (!isTrueFlag(subscriptionRequired)) {
    found.push(
      evidence(
        productPath(product, 'properties.subscriptionRequired'),
        subscriptionRequired,
        true,
        'approval only has an effect on a product that requires a subscription; make the product protected first (APIM-030)',
      ),
    );
  }
  return fail(() => `Product '${product.name}' does not require approval: anyone who signs up gets a working subscription key.`, found);
}

export default defineRule({
  meta: {
    id: 'APIM-031',
    title: 'Products require approval of new subscriptions',
    failureTitle: 'Product subscriptions need no approval',
    severity: 'medium',
    category: 'api-security',
    pillar: 'security',
    needs: ['products'],
    fix: 'guarded',
    sources: { psrule: ['Azure.APIM.ProductApproval', 'AZR-000047'] },
    docs: {
      synopsis: 'Have an administrator approve each new subscription to a product.',
      description:
        'When approvalRequired is false, a developer who subscribes to a product in the developer portal gets a working key at once. If sign-up is open (the default for the developer portal), anyone on the internet can obtain keys for the product\'s APIs. With approval required, a subscription stays "submitted" until an administrator activates it.',
      recommendation:
        'Set approvalRequired to true on every product that is visible in the developer portal, and route approval requests (the "Subscription requests" notification) to a team that reviews them. Products used only by administrators who create subscriptions themselves can be exempted.',
      howChecked:
        'Reads each product\'s properties.approvalRequired. JSON true or the string "true" (any casing) passes; false, any other value and an absent value fail (absent = the platform default, false). Every product is judged, as PSRule does at the fixture\'s commit, including products that do not require a subscription; for those the evidence also shows properties.subscriptionRequired, because approval only takes effect once a subscription is required. A service with no products passes.',
      notApplicableWhen: 'Products were not collected (they are read from ARM by a deep audit).',
      examples: [
        {
          title: 'Azure CLI',
          language: 'bash',
          code: [
            'az rest --method patch \\',
            '  --url "https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>/products/<product>?api-version=2024-05-01" \\',
            '  --headers "If-Match=*" \\',
            '  --body \'{"properties":{"subscriptionRequired":true,"approvalRequired":true}}\'',
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
              properties: { displayName: 'Orders', subscriptionRequired: true, approvalRequired: true, state: 'published' },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'Guarded fix: approval only has an effect while subscriptionRequired is true, so an open product must first be made protected (APIM-030), which breaks callers without keys; send both fields in the PATCH. The change affects new subscription requests only; existing active subscriptions keep working. Someone has to watch and act on approval requests, or developers wait.',
      links: [
        { title: 'Create and publish a product in Azure API Management', url: 'https://learn.microsoft.com/azure/api-management/api-management-howto-add-products' },
        { title: 'Products - Create Or Update (REST): approvalRequired', url: 'https://learn.microsoft.com/rest/api/apimanagement/product/create-or-update' },
        { title: 'PSRule Azure.APIM.ProductApproval', url: 'https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.ProductApproval/' },
      ],
    },
  },
  evaluate(service) {
    return judgeProducts(service, judge);
  },
  planFix(service, result) {
    const product = findingChild(service, 'products', result.resourceId);
    const value = product?.properties['approvalRequired'];
    if (product === undefined || isTrueFlag(value)) return undefined;
    // The spec lets approvalRequired be present only when subscriptionRequired is present in the same
    // request (ProductEntityBaseParameters, apimproducts.json 2024-05-01), and approval only applies to
    // a protected product: so both are sent. For an open product that also protects it (APIM-030).
    const subscriptionRequired = product.properties['subscriptionRequired'];
    const protectedProduct = isTrueFlag(subscriptionRequired);
    const before = subscriptionRequired === undefined || subscriptionRequired === null ? 'absent' : JSON.stringify(subscriptionRequired);
    return {
      resourceId: result.resourceId,
      summary: `Make new subscriptions to product '${product.name}' of service '${service.name}' wait for an administrator's approval${protectedProduct ? '' : ', which also makes the product require a subscription'}.`,
      request: patchChild(product, { properties: { subscriptionRequired: true, approvalRequired: true } }),
      changes: [
        ...(protectedProduct ? [] : [change(productPath(product, 'properties.subscriptionRequired'), subscriptionRequired ?? undefined, true)]),
        change(productPath(product, 'properties.approvalRequired'), value ?? undefined, true),
      ],
      preconditions: [
        precondition(
          'The product requires a subscription',
          protectedProduct,
          protectedProduct
            ? `Product '${product.name}' has subscriptionRequired true; the request re-sends it, as approvalRequired may only be sent next to it.`
            : `Product '${product.name}' is open (subscriptionRequired is ${before}): approval has no effect on an open product, so this request also requires a subscription, and callers of its APIs without a key get 401. Fix APIM-030 first, with its preconditions.`,
        ),
      ],
      blastRadius: `New subscription requests for product '${product.name}' wait until an administrator approves them; existing subscriptions keep working.`,
    };
  },
});
