import type { ChildResource } from '../estate/model.js';
import { defineRule, error, evidence, fail, notApplicable, pass } from './define-rule.js';
import { judgeChildren } from './shared/children.js';
import { descendants, describePolicy, elementsAt, policyEvidencePath, readPolicy } from './shared/policy-xml.js';
import type { Evidence, Verdict } from './types.js';

/** The `<cors>` lists that must not hold `*`, with what a compliant entry looks like. */
const CORS_LISTS: readonly { list: string; item: string; expected: string }[] = [
  { list: 'allowed-origins', item: 'origin', expected: 'an explicit origin, e.g. https://app.contoso.com' },
  { list: 'allowed-methods', item: 'method', expected: 'an explicit method, e.g. GET' },
  { list: 'allowed-headers', item: 'header', expected: 'an explicit header name' },
  { list: 'expose-headers', item: 'header', expected: 'an explicit header name' },
];

function judge(child: ChildResource): Verdict {
  const read = readPolicy(child);
  const policy = describePolicy(child);
  if (read.kind === 'unsupported-format') {
    return notApplicable(() => `${policy} is stored in format '${read.format}', which this rule does not read (only xml and rawxml).`);
  }
  if (read.kind === 'unreadable') return error(() => `${policy} cannot be judged: ${read.reason}.`);
  const corsElements = descendants(read.root, 'cors');
  if (corsElements.length === 0) return pass(() => `${policy} has no <cors> policy.`);
  const wildcards: { where: string; evidence: Evidence }[] = [];
  const explicit: Evidence[] = [];
  for (const cors of corsElements) {
    for (const { list, item, expected } of CORS_LISTS) {
      const entries = elementsAt(cors, [list, item]);
      const starred = entries.filter((entry) => entry.text === '*');
      for (const entry of starred) {
        wildcards.push({ where: `${list}/${item}`, evidence: evidence(policyEvidencePath(child, entry.path), entry.text, expected) });
      }
      if (starred.length === 0 && entries.length > 0) {
        explicit.push(evidence(policyEvidencePath(child, `${cors.path}/${list}`), entries.map((entry) => entry.text), 'no "*" entry'));
      }
    }
  }
  if (wildcards.length === 0) return pass(() => `${policy} has a <cors> policy without wildcards.`, explicit);
  const places = [...new Set(wildcards.map((wildcard) => wildcard.where))];
  return fail(
    () => `${policy} uses the wildcard '*' in <cors> (${places.join(', ')}).`,
    () => wildcards.map((wildcard) => wildcard.evidence),
  );
}

export default defineRule({
  meta: {
    id: 'APIM-036',
    title: 'CORS policies list explicit origins, methods and headers',
    failureTitle: 'CORS policy allows wildcards',
    severity: 'medium',
    category: 'api-security',
    pillar: 'security',
    needs: ['policies'],
    fix: 'manual',
    sources: { psrule: ['Azure.APIM.CORSPolicy', 'AZR-000365'] },
    docs: {
      synopsis: 'Do not use the wildcard "*" for origins, methods or headers in CORS policies.',
      description:
        'The <cors> policy tells browsers which other web sites may call your APIs from script. An allowed origin of "*" lets any web site do so; a "*" method or header list widens what those calls may do, and a "*" in expose-headers hands every response header to foreign scripts. Combined with credentials (cookies, client certificates, Authorization headers the browser adds) this lets a malicious page act as a signed-in user. Listing the real front-end origins, methods and headers keeps browser access to the sites you own.',
      recommendation:
        'In every <cors> policy, list the exact origins (scheme, host and port) of your front ends, the methods and the request headers they use, and the response headers they need to read. Keep one <cors> policy per scope, at the highest scope where it applies.',
      howChecked:
        'Reads every policy document (global, API, operation, product, GraphQL resolver and workspace policies, including those of workspace APIs, operations and products; a resolver\'s data-source document such as <http-data-source> is read like a <policies> document): properties.format xml or rawxml (any casing; absent means xml, the default of ARM GET) with the XML in properties.value. Other formats (xml-link, rawxml-link) are not evaluated and give "not applicable" for that policy. The XML is parsed, and every <cors> element at any depth is checked: an allowed-origins/origin, allowed-methods/method, allowed-headers/header or expose-headers/header whose text (trimmed) is "*" fails, naming the element and the policy. A document without <cors> passes; XML that cannot be parsed gives an error for that policy. A service with no policy documents passes.',
      notApplicableWhen:
        'Policy documents were not collected (they are read from ARM by a deep audit), or, for one policy, its format is a link rather than XML.',
      examples: [
        {
          title: 'Policy XML: explicit CORS lists',
          language: 'xml',
          code: [
            '<policies>',
            '  <inbound>',
            '    <base />',
            '    <cors allow-credentials="true">',
            '      <allowed-origins>',
            '        <origin>https://app.contoso.com</origin>',
            '      </allowed-origins>',
            '      <allowed-methods preflight-result-max-age="300">',
            '        <method>GET</method>',
            '        <method>POST</method>',
            '      </allowed-methods>',
            '      <allowed-headers>',
            '        <header>Content-Type</header>',
            '        <header>Authorization</header>',
            '      </allowed-headers>',
            '      <expose-headers>',
            '        <header>x-request-id</header>',
            '      </expose-headers>',
            '    </cors>',
            '  </inbound>',
            '  <backend><base /></backend>',
            '  <outbound><base /></outbound>',
            '  <on-error><base /></on-error>',
            '</policies>',
          ].join('\n'),
        },
        {
          title: 'Azure CLI: read an API policy, edit it, write it back',
          language: 'bash',
          code: [
            'url="https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>/apis/<api>/policies/policy?api-version=2024-05-01"',
            'az rest --method get --url "$url&format=rawxml" --query properties.value -o tsv > policy.xml',
            '# edit policy.xml: replace every <origin>*</origin>, <method>*</method> and <header>*</header>',
            'az rest --method put --url "$url" --headers "If-Match=*" \\',
            '  --body "$(jq -n --rawfile v policy.xml \'{properties:{format:"rawxml",value:$v}}\')"',
          ].join('\n'),
        },
      ],
      notes:
        'Manual: only the API owner knows which front ends call the API; a list that is too short breaks browser clients (preflight requests fail), while server-to-server callers are not affected by CORS at all. Policy documents in rawxml format whose policy expressions are not XML-escaped (for example a condition with unescaped quotes or generics) cannot be parsed and give an error: export them in the default xml format. PSRule also inspects <origin>, <method> and <header> placed directly under <cors>; that is not the documented schema, so this rule reads only the four documented lists.',
      links: [
        { title: 'CORS policy (Azure API Management)', url: 'https://learn.microsoft.com/azure/api-management/cors-policy' },
        { title: 'Policies in Azure API Management', url: 'https://learn.microsoft.com/azure/api-management/api-management-howto-policies' },
        { title: 'PSRule Azure.APIM.CORSPolicy', url: 'https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.CORSPolicy/' },
      ],
    },
  },
  evaluate(service) {
    return judgeChildren(service, 'policies', judge, { none: 'The service has no policy documents.' });
  },
});
