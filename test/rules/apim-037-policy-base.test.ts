import rule from '../../src/rules/apim-037-policy-base.js';
import { apimService, apimV2Service } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';
import { policyFixtures } from './child-fixtures.js';

const service = apimService();
const { policy, xml } = policyFixtures(service);

const HEADER = '<set-header name="x-api" exists-action="override"><value>orders</value></set-header>';
const FILTER = '<ip-filter action="allow"><address-range from="51.175.196.186" to="51.175.196.186" /></ip-filter>';
const INHERITS = '<policies><inbound><base />' + HEADER + '</inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>';
/** PSRule fixture api-policy-A: no <base /> anywhere. */
const NO_BASE = '<policies><inbound>' + FILTER + '</inbound><backend></backend><outbound></outbound><on-error></on-error></policies>';
/** PSRule fixture api-policy-B: <base /> missing in inbound only. */
const NO_INBOUND_BASE = '<policies><inbound>' + FILTER + '</inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>';
/** <base /> present everywhere but second in inbound. */
const BASE_SECOND = '<policies><inbound>' + HEADER + '<base /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>';

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2: same verdict as a classic tier', resources: [apimV2Service('BasicV2'), xml('api', INHERITS)], reason: 'has <base /> in inbound, backend, outbound and on-error.' },
    { name: 'PremiumV2: same verdict as a classic tier', resources: [apimV2Service('PremiumV2'), xml('api', INHERITS)], reason: 'has <base /> in inbound, backend, outbound and on-error.' },
    {
      name: 'API policy with <base /> in all four sections',
      resources: [service, xml('api', INHERITS)],
      reason: "API policy 'apis/orders/policies/policy' has <base /> in inbound, backend, outbound and on-error.",
    },
    { name: '<base /> not first passes by default (PSRule: presence only)', resources: [service, xml('operation', BASE_SECOND)] },
    {
      name: 'requireFirst with <base /> first in every section',
      resources: [service, xml('product', INHERITS)],
      options: { requireFirst: true },
      reason: "Product policy 'products/partners/policies/policy' starts inbound, backend, outbound and on-error with <base />.",
    },
    {
      name: 'requireFirst ignores comments and whitespace before <base />',
      resources: [service, xml('api', '<policies>\n <inbound>\n  <!-- inherit -->\n  <base />\n </inbound>\n <backend>\n  <base />\n </backend>\n <outbound>\n  <base />\n </outbound>\n <on-error>\n  <base />\n </on-error>\n</policies>')],
      options: { requireFirst: true },
    },
    { name: 'workspace policy that inherits', resources: [service, xml('workspace', INHERITS, 'RAWXML')], reason: "Workspace policy 'workspaces/team-a/policies/policy'" },
    {
      name: 'workspace operation and product policies that inherit',
      resources: [service, xml('workspaceOperation', INHERITS), xml('workspaceProduct', INHERITS)],
      reason: "Operation policy 'workspaces/team-a/apis/billing/operations/pay/policies/policy' has <base />",
    },
    { name: 'service collected with no policy documents', resources: [{ ...service, resources: [] }], reason: 'The service has no policy documents.' },
    {
      name: 'global policy without <base /> next to an inheriting API policy (PSRule fixture apim-D)',
      resources: [service, xml('global', NO_BASE), xml('api', INHERITS)],
    },
  ],
  fail: [
    {
      name: 'StandardV2: same verdict as a classic tier',
      resources: [apimV2Service('StandardV2'), xml('api', NO_BASE)],
      reason: 'does not fully inherit its parent scope',
      evidence: [{ path: 'apis/orders/policies/policy: properties.value /policies/inbound/base', actual: undefined }],
    },
    {
      name: 'no <base /> in any section (PSRule fixture api-policy-A)',
      resources: [service, xml('api', NO_BASE)],
      reason: "API policy 'apis/orders/policies/policy' does not fully inherit its parent scope: <inbound> has no <base />; <backend> has no <base />; <outbound> has no <base />; <on-error> has no <base />.",
      evidence: [
        {
          path: 'apis/orders/policies/policy: properties.value /policies/inbound/base',
          actual: undefined,
          expected: '<base />',
          note: "absent — the parent scope's <inbound> policies do not run here",
        },
        { path: 'apis/orders/policies/policy: properties.value /policies/on-error/base', actual: undefined },
      ],
    },
    {
      name: '<base /> missing in inbound only (PSRule fixture api-policy-B)',
      resources: [service, xml('api', NO_INBOUND_BASE)],
      reason: 'does not fully inherit its parent scope: <inbound> has no <base />.',
      evidence: [{ path: 'apis/orders/policies/policy: properties.value /policies/inbound/base', actual: undefined }],
    },
    {
      name: 'section missing entirely',
      resources: [service, xml('operation', '<policies><inbound><base /></inbound><backend><base /></backend><outbound><base /></outbound></policies>')],
      reason: 'the <on-error> section is missing.',
      evidence: [
        {
          path: 'apis/orders/operations/get-order/policies/policy: properties.value /policies/on-error',
          actual: undefined,
          expected: '<on-error> with <base />',
          note: 'absent — the section is missing',
        },
      ],
    },
    {
      name: 'requireFirst: <base /> after another element (Azure Policy d5448c98)',
      resources: [service, xml('operation', BASE_SECOND)],
      options: { requireFirst: true },
      reason: '<base /> is not the first element of <inbound>.',
      evidence: [
        {
          path: 'apis/orders/operations/get-order/policies/policy: properties.value /policies/inbound/*[1]',
          actual: '<set-header>',
          expected: '<base />',
          note: 'requireFirst',
        },
      ],
    },
    {
      name: 'resolver policy without <base />',
      resources: [service, xml('resolver', NO_INBOUND_BASE)],
      reason: "Resolver policy 'apis/graph/resolvers/get-user/policies/policy'",
      evidence: [{ path: 'apis/graph/resolvers/get-user/policies/policy: properties.value /policies/inbound/base' }],
    },
    {
      name: "a workspace API's policy without <base />",
      resources: [service, xml('workspaceApi', NO_INBOUND_BASE)],
      reason: "API policy 'workspaces/team-a/apis/billing/policies/policy' does not fully inherit its parent scope",
      evidence: [{ path: 'workspaces/team-a/apis/billing/policies/policy: properties.value /policies/inbound/base' }],
    },
    {
      name: 'workspace policy without <base /> (Azure Policy scope)',
      resources: [service, xml('workspace', NO_INBOUND_BASE)],
      evidence: [{ path: 'workspaces/team-a/policies/policy: properties.value /policies/inbound/base' }],
    },
    {
      name: 'format absent is read as xml',
      resources: [service, policy('product', { value: NO_INBOUND_BASE })],
      evidence: [{ path: 'products/partners/policies/policy: properties.value /policies/inbound/base' }],
    },
    {
      name: 'mixed policies: global skipped, only the non-inheriting API policy fails',
      resources: [service, xml('global', NO_BASE), xml('product', INHERITS), xml('api', NO_INBOUND_BASE)],
      failing: ['apis/orders/policies/policy'],
      evidence: [{ path: 'apis/orders/policies/policy: properties.value /policies/inbound/base' }],
    },
  ],
  notApplicable: [
    {
      name: 'only a global policy (no parent scope)',
      resources: [service, xml('global', NO_BASE)],
      reason: "Global policy 'policies/policy' is not checked: the global scope has no parent policy for <base /> to inherit.",
    },
    {
      name: "a GraphQL resolver's data-source document (no sections to inherit)",
      resources: [service, xml('resolver', '<http-data-source><http-request><set-method>GET</set-method><set-url>https://catalog.contoso.com/products</set-url></http-request></http-data-source>')],
      reason: "Resolver policy 'apis/graph/resolvers/get-user/policies/policy' is a data source (<http-data-source>) with no sections, so there is no <base /> to inherit.",
    },
    {
      name: 'policy stored as a link (format rawxml-link)',
      resources: [service, xml('api', 'https://contoso.blob.core.windows.net/policies/orders.xml', 'rawxml-link')],
      reason: "is stored in format 'rawxml-link'",
    },
  ],
  notChecked: [
    { name: 'policy documents not collected', resources: [service], reason: 'needs policy documents' },
  ],
  error: [
    { name: 'policy with null properties', resources: [service, policy('api', null)], reason: 'cannot be judged: properties is null' },
    {
      name: 'XML that is not well formed',
      resources: [service, xml('api', '<policies><inbound><base /></policies>')],
      reason: "API policy 'apis/orders/policies/policy' cannot be judged: the policy XML is not well formed: Expected closing tag 'inbound'",
    },
    { name: 'empty value', resources: [service, xml('api', '  ')], reason: 'properties.value holds no policy XML.' },
    { name: 'root element is not <policies>', resources: [service, xml('api', '<inbound><base /></inbound>')], reason: 'the root element is <inbound>, not <policies>.' },
    {
      name: 'a data-source document outside a resolver',
      resources: [service, xml('api', '<http-data-source><http-request><set-method>GET</set-method></http-request></http-data-source>')],
      reason: 'the root element is <http-data-source>, not <policies>.',
    },
  ],
});
