import { z } from 'zod';
import type { ChildResource } from '../estate/model.js';
import { defineRule, error, evidence, fail, notApplicable, pass } from './define-rule.js';
import { judgeChildren } from './shared/children.js';
import { childElements, describePolicy, isDataSource, POLICY_SECTIONS, policyEvidencePath, readPolicy } from './shared/policy-xml.js';
import type { Evidence, Verdict } from './types.js';

const options = z.object({
  /** Azure Policy d5448c98: `<base />` must be the first element of each section, not merely present (PSRule). */
  requireFirst: z.boolean().default(false),
});

type Options = z.infer<typeof options>;

const BASE = '<base />';

function judge(child: ChildResource, { requireFirst }: Options): Verdict {
  const policy = describePolicy(child);
  if (child.policyScope === 'global') {
    return notApplicable(() => `${policy} is not checked: the global scope has no parent policy for <base /> to inherit.`);
  }
  const read = readPolicy(child);
  if (read.kind === 'unsupported-format') {
    return notApplicable(() => `${policy} is stored in format '${read.format}', which this rule does not read (only xml and rawxml).`);
  }
  if (read.kind === 'unreadable') return error(() => `${policy} cannot be judged: ${read.reason}.`);
  if (isDataSource(read.root)) {
    return notApplicable(() => `${policy} is a data source (<${read.root.name}>) with no sections, so there is no <base /> to inherit.`);
  }

  const problems: string[] = [];
  const failed: Evidence[] = [];
  const found: Evidence[] = [];
  for (const name of POLICY_SECTIONS) {
    const sections = childElements(read.root, name);
    if (sections.length === 0) {
      problems.push(`the <${name}> section is missing`);
      failed.push(evidence(policyEvidencePath(child, `/policies/${name}`), undefined, `<${name}> with ${BASE}`, 'absent — the section is missing'));
      continue;
    }
    for (const section of sections) {
      const first = section.children[0];
      if (!section.children.some((element) => element.name === 'base')) {
        problems.push(`<${name}> has no ${BASE}`);
        failed.push(
          evidence(
            policyEvidencePath(child, `${section.path}/base`),
            undefined,
            BASE,
            `absent — the parent scope's <${name}> policies do not run here`,
          ),
        );
      } else if (requireFirst && first?.name !== 'base') {
        problems.push(`${BASE} is not the first element of <${name}>`);
        failed.push(
          evidence(
            policyEvidencePath(child, `${section.path}/*[1]`),
            `<${first?.name ?? ''}>`,
            BASE,
            `option requireFirst (Azure Policy d5448c98): ${BASE} must come first in <${name}>`,
          ),
        );
      } else {
        found.push(evidence(policyEvidencePath(child, `${section.path}/base`), BASE, BASE));
      }
    }
  }
  if (problems.length > 0) {
    return fail(() => `${policy} does not fully inherit its parent scope: ${problems.join('; ')}.`, failed);
  }
  return pass(
    () => requireFirst
      ? `${policy} starts inbound, backend, outbound and on-error with ${BASE}.`
      : `${policy} has ${BASE} in inbound, backend, outbound and on-error.`,
    found,
  );
}

export default defineRule<Options>({
  meta: {
    id: 'APIM-037',
    title: 'Scoped policies inherit the parent scope in every section',
    failureTitle: 'Scoped policy omits <base />',
    severity: 'medium',
    category: 'api-security',
    pillar: 'security',
    needs: ['policies'],
    fix: 'manual',
    sources: {
      psrule: ['Azure.APIM.PolicyBase', 'AZR-000371'],
      azurePolicy: ['d5448c98-e503-4fdd-bcd2-784960c00d04'],
    },
    docs: {
      synopsis: 'Keep <base /> in the inbound, backend, outbound and on-error sections of every API, operation, product and workspace policy.',
      description:
        'API Management runs policies from the outer scope inwards: global, workspace, product, API, operation. A section runs its parent scope\'s policies only where it contains <base />. Without it, the controls set centrally — IP filters, JWT validation, rate limits, CORS, header scrubbing, error masking — silently stop applying to that API, operation or product, and nothing warns about it.',
      recommendation:
        'Put <base /> in each of the four sections of every policy below the global scope, normally as the first element, and add the scope\'s own policies around it. Where skipping the parent really is intended, record an exemption with the reason.',
      howChecked:
        "Reads API, operation, product, GraphQL resolver and workspace policy documents — the workspace's own policy and those of its APIs, operations and products — (properties.format xml or rawxml, any casing; absent means xml; other formats are not evaluated) and parses properties.value. A GraphQL resolver policy that is a data source (<http-data-source>, <sql-data-source>, …) has no sections and is not applicable. Each of <inbound>, <backend>, <outbound> and <on-error> directly under <policies> must exist and contain a <base /> child element (PSRule Azure.APIM.PolicyBase); a missing section fails. With the option requireFirst: true, <base /> must also be the first element of each section (Azure Policy d5448c98; comments and whitespace are ignored). Global (service-level) policies are not applicable: there is no parent scope. XML that cannot be parsed gives an error for that policy. A service with no policy documents passes.",
      notApplicableWhen:
        'Policy documents were not collected (they are read from ARM by a deep audit); for one policy, when it is the global policy, a GraphQL resolver\'s data-source document, or its format is a link rather than XML.',
      examples: [
        {
          title: 'Policy XML: inherit in every section',
          language: 'xml',
          code: [
            '<policies>',
            '  <inbound>',
            '    <base />',
            '    <set-header name="x-api" exists-action="override"><value>orders</value></set-header>',
            '  </inbound>',
            '  <backend>',
            '    <base />',
            '  </backend>',
            '  <outbound>',
            '    <base />',
            '  </outbound>',
            '  <on-error>',
            '    <base />',
            '  </on-error>',
            '</policies>',
          ].join('\n'),
        },
        {
          title: 'ARM template: an API policy',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.ApiManagement/service/apis/policies',
              apiVersion: '2024-05-01',
              name: '<name>/orders/policy',
              properties: {
                format: 'rawxml',
                value:
                  '<policies><inbound><base /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>',
              },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'Manual: adding <base /> makes the parent scope\'s policies run for this API, operation or product, which can change behaviour (extra authentication, rate limits, rewritten headers); test before rolling out. PSRule only requires <base /> to be present; Azure Policy d5448c98 compares the whitespace-stripped text and so requires it to be the first element — use requireFirst for that reading. Workspace policies are judged too (Azure Policy covers them, PSRule does not know them). rawxml documents whose policy expressions are not XML-escaped cannot be parsed and give an error: export them in the default xml format.',
      links: [
        { title: 'Set or edit Azure API Management policies: <base />', url: 'https://learn.microsoft.com/azure/api-management/set-edit-policies' },
        { title: 'Policies in Azure API Management', url: 'https://learn.microsoft.com/azure/api-management/api-management-howto-policies' },
        { title: 'PSRule Azure.APIM.PolicyBase', url: 'https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.PolicyBase/' },
      ],
    },
  },
  options,
  evaluate(service, { options: resolved }) {
    return judgeChildren(service, 'policies', (child) => judge(child, resolved), { none: 'The service has no policy documents.' });
  },
});
