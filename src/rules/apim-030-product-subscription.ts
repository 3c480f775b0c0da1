import type { FixPrecondition } from '../contracts/fix-plan.js';
import type { ApimService, ChildResource } from '../estate/model.js';
import { defineRule, evidence, fail, pass } from './define-rule.js';
import { change, findingChild, patchChild, precondition, toConfirm } from './shared/fix-plans.js';
import { judgeProducts, productPath } from './shared/products.js';
import type { Verdict } from './types.js';
import { equalsIgnoreCase, isTrueFlag } from './shared/values.js';

function judge(product: ChildResource): Verdict {
  const path = productPath(product, 'properties.subscriptionRequired');
  const value = product.properties['subscriptionRequired'];
  if (isTrueFlag(value)) {
    return pass(() => `Product '${product.name}' requires a subscription.`, () => [evidence(path, value, true)]);
  }
  return fail(() => `Product '${product.name}' does not require a subscription: its APIs can be called without a key.`, () => [
    evidence(
      path,
      value,
      true,
      value === undefined || value === null
        ? 'absent — counted as not required (PSRule); ARM assumes true only when a product is created without it'
        : 'an open product: anonymous callers reach its APIs',
    ),
  ]);
}

export default defineRule({
  meta: {
    id: 'APIM-030',
    title: 'Products require a subscription',
    failureTitle: 'Product needs no subscription',
    severity: 'medium',
    category: 'api-security',
    pillar: 'security',
    needs: ['products'],
    fix: 'guarded',
    sources: { psrule: ['Azure.APIM.ProductSubscription', 'AZR-000046'] },
    docs: {
      synopsis: 'Require a subscription key for the APIs of every product.',
      description:
        'A product with subscriptionRequired false is an "open" product: anyone who can reach the gateway can call its APIs without a subscription key. The gateway then cannot tell callers apart, so per-subscription rate limits, quotas, analytics and key revocation do not apply. Subscription keys are not a strong identity on their own, but they are the first line of access control API Management offers.',
      recommendation:
        'Set subscriptionRequired to true on every product, and give each consumer a subscription. Where an API must be public, protect it with another mechanism (validate-jwt, client certificates) and document the exception.',
      howChecked:
        'Reads each product\'s properties.subscriptionRequired. JSON true or the string "true" (any casing) passes; false, any other value and an absent value fail (PSRule semantics: ARM only assumes true when a product is created without the field, and GET always returns it). A service with no products passes.',
      notApplicableWhen: 'Products were not collected (they are read from ARM by a deep audit).',
      examples: [
        {
          title: 'Azure CLI',
          language: 'bash',
          code: [
            'az rest --method patch \\',
            '  --url "https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>/products/<product>?api-version=2024-05-01" \\',
            '  --headers "If-Match=*" \\',
            '  --body \'{"properties":{"subscriptionRequired":true}}\'',
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
        'Guarded fix: once subscriptionRequired is true, callers of the product\'s APIs that send no key get 401. Check the gateway logs for calls without a subscription before the change, and hand out subscriptions first. An API can also be reachable without a key through its own subscriptionRequired setting or through another open product; this rule looks at products only.',
      links: [
        { title: 'Create and publish a product in Azure API Management', url: 'https://learn.microsoft.com/azure/api-management/api-management-howto-add-products' },
        { title: 'Subscriptions in Azure API Management', url: 'https://learn.microsoft.com/azure/api-management/api-management-subscriptions' },
        { title: 'PSRule Azure.APIM.ProductSubscription', url: 'https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.ProductSubscription/' },
      ],
    },
  },
  evaluate(service) {
    return judgeProducts(service, judge);
  },
  planFix(service, result) {
    const product = findingChild(service, 'products', result.resourceId);
    const value = product?.properties['subscriptionRequired'];
    if (product === undefined || isTrueFlag(value)) return undefined;
    return {
      resourceId: result.resourceId,
      summary: `Make product '${product.name}' of service '${service.name}' require a subscription key.`,
      request: patchChild(product, { properties: { subscriptionRequired: true } }),
      changes: [change(productPath(product, 'properties.subscriptionRequired'), value ?? undefined, true)],
      preconditions: [callersHoldKeys(service, product)],
      blastRadius: `Callers of the product's APIs without a subscription key get 401 Unauthorized; callers must subscribe to product '${product.name}' and send their key.`,
    };
  },
});

/**
 * Once the product is protected, its callers need a key: judged from the product's active
 * subscriptions when they were read. None means no caller can hold a key, so every current caller
 * would get 401; some means keys exist, but whether every caller sends one only the gateway logs
 * show, so a person confirms.
 */
function callersHoldKeys(service: ApimService, product: ChildResource): FixPrecondition {
  const description = `Callers of product '${product.name}' send a subscription key`;
  const subscriptions = service.children.subscriptions;
  if (subscriptions === undefined) {
    return toConfirm(
      description,
      `Subscriptions were not read, so it cannot be shown that callers of product '${product.name}' hold keys: confirm in the gateway logs that every call to its APIs sends a subscription key (calls without one get 401 once the product is protected), and hand out subscriptions first.`,
    );
  }
  const suffix = `/products/${product.name}`.toLowerCase();
  const active = subscriptions.filter((subscription) => {
    const scope = subscription.properties['scope'];
    return typeof scope === 'string' && scope.trim().replace(/\/+$/, '').toLowerCase().endsWith(suffix) && equalsIgnoreCase(subscription.properties['state'], 'active');
  });
  if (active.length === 0) {
    return precondition(
      description,
      false,
      `Product '${product.name}' has no active subscription, so no caller holds a key for it: every current caller of its APIs would get 401. Create subscriptions and hand out the keys first.`,
    );
  }
  return toConfirm(
    description,
    `Product '${product.name}' has ${active.length} active subscription${active.length === 1 ? '' : 's'}, but the estate cannot show that every caller sends a key: confirm in the gateway logs that no call to its APIs comes without one (those get 401 once the product is protected).`,
  );
}
