import rule from '../../src/rules/apim-036-cors-wildcards.js';
import { apimService, apimV2Service } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';
import { policyFixtures } from './child-fixtures.js';

const service = apimService();
const { policy, xml } = policyFixtures(service);

function cors({ origins = ['https://app.contoso.com'], methods = ['GET'], headers = ['Content-Type'], expose = ['x-request-id'] } = {}): string {
  const list = (tag: string, item: string, values: string[]) => `<${tag}>${values.map((v) => `<${item}>${v}</${item}>`).join('')}</${tag}>`;
  return `<cors allow-credentials="true">${list('allowed-origins', 'origin', origins)}${list('allowed-methods', 'method', methods)}${list('allowed-headers', 'header', headers)}${list('expose-headers', 'header', expose)}</cors>`;
}

function document(inbound: string): string {
  return `<policies><inbound><base />${inbound}</inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>`;
}

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2: same verdict as a classic tier', resources: [apimV2Service('BasicV2'), xml('api', document(cors()))], reason: 'has a <cors> policy without wildcards.' },
    { name: 'PremiumV2: same verdict as a classic tier', resources: [apimV2Service('PremiumV2'), xml('api', document(cors()))], reason: 'has a <cors> policy without wildcards.' },
    {
      name: 'API policy with explicit CORS lists',
      resources: [service, xml('api', document(cors()))],
      reason: "API policy 'apis/orders/policies/policy' has a <cors> policy without wildcards.",
    },
    { name: 'policy without <cors>', resources: [service, xml('api', document('<rate-limit calls="10" renewal-period="60" />'))], reason: 'has no <cors> policy.' },
    {
      name: "a GraphQL resolver's data-source document",
      resources: [service, xml('resolver', '<http-data-source><http-request><set-method>GET</set-method><set-url>https://catalog.contoso.com/products</set-url></http-request></http-data-source>')],
      reason: "Resolver policy 'apis/graph/resolvers/get-user/policies/policy' has no <cors> policy.",
    },
    { name: 'service collected with no policy documents', resources: [{ ...service, resources: [] }], reason: 'The service has no policy documents.' },
    { name: 'format "RawXml" in other casing is read', resources: [service, xml('api', document(cors()), 'RawXml')], reason: 'without wildcards' },
    { name: 'format absent is read as xml', resources: [service, policy('api', { value: document(cors()) })], reason: 'without wildcards' },
    {
      name: 'origin that only contains a star is not a wildcard',
      resources: [service, xml('global', document(cors({ origins: ['https://*.contoso.com'] })))],
    },
    {
      name: 'pretty-printed XML with whitespace and comments',
      resources: [service, xml('product', `<policies>\n  <inbound>\n    <!-- CORS for the portal -->\n    <base />\n    ${cors()}\n  </inbound>\n  <backend><base /></backend>\n  <outbound><base /></outbound>\n  <on-error><base /></on-error>\n</policies>`)],
    },
  ],
  fail: [
    {
      name: 'StandardV2: same verdict as a classic tier',
      resources: [apimV2Service('StandardV2'), xml('api', document(cors({ origins: ['*'] })))],
      reason: "uses the wildcard '*' in <cors> (allowed-origins/origin).",
      evidence: [{ path: 'apis/orders/policies/policy: properties.value /policies/inbound/cors/allowed-origins/origin', actual: '*' }],
    },
    {
      name: 'wildcard origin in an API policy',
      resources: [service, xml('api', document(cors({ origins: ['*'] })))],
      reason: "API policy 'apis/orders/policies/policy' uses the wildcard '*' in <cors> (allowed-origins/origin).",
      evidence: [
        {
          path: 'apis/orders/policies/policy: properties.value /policies/inbound/cors/allowed-origins/origin',
          actual: '*',
          expected: 'an explicit origin, e.g. https://app.contoso.com',
        },
      ],
    },
    {
      name: 'wildcards everywhere in the global policy (PSRule fixture policy-A)',
      resources: [service, xml('global', document(cors({ origins: ['*'], methods: ['*'], headers: ['*'], expose: ['*'] })))],
      reason: "Global policy 'policies/policy' uses the wildcard '*' in <cors> (allowed-origins/origin, allowed-methods/method, allowed-headers/header, expose-headers/header).",
      evidence: [
        { path: 'policies/policy: properties.value /policies/inbound/cors/allowed-methods/method', actual: '*' },
        { path: 'policies/policy: properties.value /policies/inbound/cors/expose-headers/header', actual: '*', expected: 'an explicit header name' },
      ],
    },
    {
      name: 'second of two origins is a wildcard, padded with spaces',
      resources: [service, xml('product', document(cors({ origins: ['https://app.contoso.com', ' * '] })))],
      reason: "Product policy 'products/partners/policies/policy'",
      evidence: [{ path: 'products/partners/policies/policy: properties.value /policies/inbound/cors/allowed-origins/origin[2]', actual: '*' }],
    },
    {
      name: 'wildcard written as the character reference &#42;',
      resources: [service, xml('api', document(cors({ origins: ['&#42;'] })))],
      evidence: [{ path: 'apis/orders/policies/policy: properties.value /policies/inbound/cors/allowed-origins/origin', actual: '*' }],
    },
    {
      name: '<cors> nested in <choose> in an operation policy',
      resources: [service, xml('operation', document(`<choose><when condition="@(true)">${cors({ headers: ['*'] })}</when></choose>`))],
      reason: "Operation policy 'apis/orders/operations/get-order/policies/policy'",
      evidence: [
        {
          path: 'apis/orders/operations/get-order/policies/policy: properties.value /policies/inbound/choose/when/cors/allowed-headers/header',
          actual: '*',
        },
      ],
    },
    {
      name: 'resolver policy with a wildcard method',
      resources: [service, xml('resolver', document(cors({ methods: ['*'] })), 'rawxml')],
      reason: "Resolver policy 'apis/graph/resolvers/get-user/policies/policy'",
      evidence: [{ path: 'apis/graph/resolvers/get-user/policies/policy: properties.value /policies/inbound/cors/allowed-methods/method' }],
    },
    {
      name: "a workspace product's policy with a wildcard origin",
      resources: [service, xml('workspaceProduct', document(cors({ origins: ['*'] })))],
      reason: "Product policy 'workspaces/team-a/products/internal/policies/policy' uses the wildcard '*' in <cors> (allowed-origins/origin).",
      evidence: [{ path: 'workspaces/team-a/products/internal/policies/policy: properties.value /policies/inbound/cors/allowed-origins/origin' }],
    },
    {
      name: 'workspace policy with a wildcard origin',
      resources: [service, xml('workspace', document(cors({ origins: ['*'] })))],
      reason: "Workspace policy 'workspaces/team-a/policies/policy'",
      evidence: [{ path: 'workspaces/team-a/policies/policy: properties.value /policies/inbound/cors/allowed-origins/origin' }],
    },
    {
      name: 'mixed policies: only the wildcard one fails',
      resources: [service, xml('global', document(cors())), xml('api', document(cors({ expose: ['*'] }))), xml('product', document(''))],
      failing: ['apis/orders/policies/policy'],
      evidence: [{ path: 'apis/orders/policies/policy: properties.value /policies/inbound/cors/expose-headers/header' }],
    },
  ],
  notApplicable: [
    {
      name: 'policy stored as a link (format xml-link)',
      resources: [service, xml('api', 'https://contoso.blob.core.windows.net/policies/orders.xml', 'xml-link')],
      reason: "API policy 'apis/orders/policies/policy' is stored in format 'xml-link', which this rule does not read (only xml and rawxml).",
    },
  ],
  notChecked: [
    { name: 'policy documents not collected', resources: [service], reason: 'needs policy documents' },
  ],
  error: [
    { name: 'policy with null properties', resources: [service, policy('api', null)], reason: 'cannot be judged: properties is null' },
    {
      name: 'XML that is not well formed',
      resources: [service, xml('api', '<policies><inbound><cors></inbound></policies>')],
      reason: "API policy 'apis/orders/policies/policy' cannot be judged: the policy XML is not well formed",
    },
    {
      name: 'rawxml with unescaped quotes in a policy expression',
      resources: [service, xml('api', '<policies><inbound><choose><when condition="@(context.Request.Method == "GET")"><base /></when></choose></inbound></policies>', 'rawxml')],
      reason: 'not well formed',
    },
    { name: 'policy without a value', resources: [service, policy('api', { format: 'xml' })], reason: 'properties.value holds no policy XML.' },
    { name: 'root element is not <policies>', resources: [service, xml('api', '<fragment><cors /></fragment>')], reason: 'the root element is <fragment>, not <policies>.' },
  ],
});
