import type { ChildResource } from '../estate/model.js';
import { defineRule, evidence, fail, pass } from './define-rule.js';
import { judgeChildren } from './shared/children.js';
import type { Verdict } from './types.js';
import { equalsIgnoreCase } from './shared/values.js';

const EXPECTED_SCOPE = 'a product or single-API scope (…/products/{productId} or …/apis/{apiId})';
const EXPECTED_STATE = 'not active (suspended or cancelled)';

/** Azure Policy 3aa03346: `scope` like `*\/apis` — the whole API surface of the service. */
function isAllApisScope(scope: unknown): scope is string {
  return typeof scope === 'string' && scope.trim().replace(/\/+$/, '').toLowerCase().endsWith('/apis');
}

function subscriptionLabel(child: ChildResource): string {
  const displayName = child.properties['displayName'];
  return typeof displayName === 'string' && displayName.trim() !== '' && displayName.trim() !== child.name
    ? `APIM subscription '${child.name}' (${displayName.trim()})`
    : `APIM subscription '${child.name}'`;
}

function judge(child: ChildResource): Verdict {
  const where = `subscriptions/${child.name}`;
  const label = subscriptionLabel(child);
  const scope = child.properties['scope'];
  const state = child.properties['state'];
  if (!isAllApisScope(scope)) {
    return pass(
      () => typeof scope === 'string' ? `${label} is scoped to a product or a single API.` : `${label} has no scope, so it does not grant access to all APIs.`,
      () => [evidence(`${where}: properties.scope`, scope, EXPECTED_SCOPE, typeof scope === 'string' ? undefined : 'absent — not scoped to all APIs')],
    );
  }
  const scopeEvidence = evidence(`${where}: properties.scope`, scope, EXPECTED_SCOPE, 'scoped to all APIs of the service');
  if (equalsIgnoreCase(state, 'active')) {
    return fail(() => `${label} is active and scoped to all APIs: its keys call every API of the service.`, () => [
      scopeEvidence,
      evidence(`${where}: properties.state`, state, EXPECTED_STATE),
    ]);
  }
  const stateText = typeof state === 'string' && state.trim() !== '' ? state.trim() : undefined;
  return pass(
    () => stateText === undefined
      ? `${label} is scoped to all APIs but has no state, so it is not counted as active.`
      : `${label} is scoped to all APIs but is ${stateText}, so its keys are not accepted.`,
    () => [
      scopeEvidence,
      evidence(
        `${where}: properties.state`,
        state,
        EXPECTED_STATE,
        stateText === undefined
          ? 'absent — only state "active" is flagged (Azure Policy 3aa03346)'
          : 'not active — reactivating this subscription re-opens every API to its keys',
      ),
    ],
  );
}

export default defineRule({
  meta: {
    id: 'APIM-029',
    title: 'No active subscription is scoped to all APIs',
    failureTitle: 'Subscription scoped to all APIs',
    severity: 'high',
    category: 'api-security',
    pillar: 'security',
    needs: ['subscriptions'],
    fix: 'manual',
    sources: { azurePolicy: ['3aa03346-d8c5-4994-a5bc-7652c2a2aef1'] },
    docs: {
      synopsis: 'Scope API Management subscriptions to a product or a single API, not to all APIs.',
      description:
        'A subscription key scoped to all APIs opens every API of the service, including APIs added later and APIs that are not in any published product. Every service has one such subscription built in: the all-access subscription named "master" (display name "Built-in all-access subscription"), whose keys are meant for testing in the portal. Keys like these spread to scripts and test tools and are rarely rotated; one leaked key exposes the whole API surface.',
      recommendation:
        "Give each consumer a subscription scoped to the product (or API) it needs. Suspend the built-in all-access subscription and any other all-APIs subscription, after checking that no caller still uses their keys (gateway logs: subscription id). Regenerate the keys of any all-APIs subscription you must keep active.",
      howChecked:
        'Reads each APIM subscription\'s properties.scope and properties.state. A scope that ends with "/apis" (case-insensitive, a trailing slash ignored; like "*/apis" in Azure Policy 3aa03346) grants all APIs. Such a subscription fails when its state is "active" (any casing). Other states (suspended, cancelled, expired, submitted, rejected) and an absent state pass with a note; an absent scope passes (it cannot grant all APIs).',
      notApplicableWhen: 'APIM subscriptions were not collected (they are read from ARM by a deep audit; ARG has none).',
      examples: [
        {
          title: 'Azure CLI: suspend the built-in all-access subscription',
          language: 'bash',
          code: [
            'az rest --method patch \\',
            '  --url "https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>/subscriptions/master?api-version=2024-05-01" \\',
            '  --headers "If-Match=*" \\',
            '  --body \'{"properties":{"state":"suspended"}}\'',
          ].join('\n'),
        },
        {
          title: 'ARM template: a subscription scoped to one product',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.ApiManagement/service/subscriptions',
              apiVersion: '2024-05-01',
              name: '<name>/orders-client',
              properties: {
                displayName: 'Orders client',
                scope: "[resourceId('Microsoft.ApiManagement/service/products', '<name>', 'orders')]",
                state: 'active',
              },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'Suspending or cancelling a subscription immediately rejects its keys: callers that use them get 401. The fix is manual because only the owner knows who calls with which key. The test console in the Azure portal uses the built-in all-access subscription by default; with it suspended, test with a product subscription key instead.',
      links: [
        { title: 'Subscriptions in Azure API Management', url: 'https://learn.microsoft.com/azure/api-management/api-management-subscriptions' },
        { title: 'Azure Policy built-in definitions for API Management', url: 'https://learn.microsoft.com/azure/api-management/policy-reference' },
      ],
    },
  },
  evaluate(service) {
    return judgeChildren(service, 'subscriptions', judge, { none: 'The service has no APIM subscriptions.' });
  },
});
