import type { ChildKind, ChildResource } from '../estate/model.js';
import type { Verdict } from './types.js';
import { defineRule, error, evidence, fail, notApplicable, pass } from './define-rule.js';
import { childPath, childSubject, collected, describeChild, judgeChildren, needsChildren } from './shared/children.js';
import { change, findingChild, patchChild, toConfirm } from './shared/fix-plans.js';
import { isBlank } from './shared/values.js';

/** The two collections read, and where each keeps the URL the gateway forwards to. */
const URL_FIELDS: readonly { kind: ChildKind; field: string }[] = [
  { kind: 'backends', field: 'url' },
  { kind: 'apis', field: 'serviceUrl' },
];
const NEEDS: readonly ChildKind[] = URL_FIELDS.map(({ kind }) => kind);

function judgeUrl(child: ChildResource, field: string): Verdict {
  const path = `${childPath(child)}: properties.${field}`;
  const url = child.properties[field];
  if (isBlank(url)) {
    return notApplicable(() => `${childSubject(child)} has no properties.${field}, so there is no backend URL to evaluate.`);
  }
  if (typeof url !== 'string') {
    return error(() => `${childSubject(child)} has a properties.${field} that is not a string: ${JSON.stringify(url)}.`);
  }
  if (url.trim().toLowerCase().startsWith('http://')) {
    return fail(() => `${childSubject(child)} forwards requests over plain HTTP to ${url.trim()}.`, () => [
      evidence(path, url, 'an https:// URL'),
    ]);
  }
  return pass(() => `${childSubject(child)} does not forward requests over plain HTTP (${url.trim()}).`, () => [evidence(path, url, 'an https:// URL')]);
}

export default defineRule({
  meta: {
    id: 'APIM-025',
    title: 'Backends and API service URLs use HTTPS',
    failureTitle: 'Backends use plain HTTP',
    severity: 'critical',
    category: 'encryption',
    pillar: 'security',
    needs: NEEDS,
    fix: 'guarded',
    sources: {
      psrule: ['Azure.APIM.HTTPBackend', 'AZR-000044'],
      checkov: ['CKV_AZURE_215'],
    },
    docs: {
      synopsis: 'The gateway forwards requests to backends over HTTPS only.',
      description:
        'API Management forwards each request to the URL of a backend entity (properties.url) or to the service URL of the API (properties.serviceUrl). When that URL starts with http://, the request leaves the gateway in clear text: tokens, credentials the gateway adds for the backend, headers and payloads can be read or changed by anyone on the network path between the gateway and the backend, even when the client called the gateway over HTTPS.',
      recommendation:
        'Serve every backend over TLS and point properties.url of each backend and properties.serviceUrl of each API at its https:// address. Keep certificate validation on (APIM-026).',
      howChecked:
        'Reads properties.url of each backend (Microsoft.ApiManagement/service/backends) and properties.serviceUrl of each API (Microsoft.ApiManagement/service/apis), one verdict per entry. A URL that starts with "http://" (any casing) fails. A missing or empty URL is not evaluated (as in PSRule since #1555: APIs without a service URL, backend pools) and the verdict for it says so. Other schemes (https://, fabric:/ for Service Fabric) pass. A service with neither backends nor APIs passes.',
      notApplicableWhen:
        'Backends or APIs were not collected (they are read from ARM by a deep audit), or an entry has no URL.',
      examples: [
        {
          title: 'Azure CLI (after the backend serves TLS)',
          language: 'bash',
          code: [
            'base="https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>"',
            'az rest --method patch --headers "If-Match=*" --url "$base/backends/<backendId>?api-version=2024-05-01" \\',
            '  --body \'{"properties":{"url":"https://orders.contoso.com/api"}}\'',
            'az rest --method patch --headers "If-Match=*" --url "$base/apis/<apiId>?api-version=2024-05-01" \\',
            '  --body \'{"properties":{"serviceUrl":"https://orders.contoso.com/api"}}\'',
          ].join('\n'),
        },
        {
          title: 'ARM template',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.ApiManagement/service/backends',
              apiVersion: '2024-05-01',
              name: '<name>/orders',
              properties: { protocol: 'http', url: 'https://orders.contoso.com/api' },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'Guarded fix, applied per backend or API: the plan changes only the scheme of the URL (host, port and path stay), and the backend must first serve HTTPS there with a certificate the gateway trusts; switching the URL before that breaks every call to the API. A policy (set-backend-service) can still route to an http:// URL at run time; policies are not read by this rule.',
      links: [
        { title: 'Backends in API Management', url: 'https://learn.microsoft.com/azure/api-management/backends' },
        { title: 'Secure backend services using client certificate authentication', url: 'https://learn.microsoft.com/azure/api-management/api-management-howto-mutual-certificates' },
        { title: 'PSRule Azure.APIM.HTTPBackend', url: 'https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.HTTPBackend/' },
      ],
    },
  },
  evaluate(service) {
    const { missing } = collected(service, NEEDS);
    if (missing.length > 0) return needsChildren(missing, service);
    // Judge only non-empty collections, so an empty one adds no "nothing here" pass of its own.
    const present = URL_FIELDS.filter(({ kind }) => (service.children[kind]?.length ?? 0) > 0);
    if (present.length === 0) return pass('The service has no backends and no APIs, so nothing is forwarded over plain HTTP.');
    return present.flatMap(({ kind, field }) =>
      judgeChildren(service, kind, (child) => judgeUrl(child, field), { none: 'The service has none of these.' }),
    );
  },
  planFix(service, result) {
    for (const { kind, field } of URL_FIELDS) {
      const child = findingChild(service, kind, result.resourceId);
      const url = child?.properties[field];
      if (child === undefined || typeof url !== 'string') continue;
      const httpsUrl = withHttps(url);
      if (httpsUrl === undefined) return undefined;
      const where = serverOf(httpsUrl);
      return {
        resourceId: result.resourceId,
        summary: `Make ${describeChild(child)} of service '${service.name}' forward requests to ${httpsUrl} instead of ${url.trim()}.`,
        request: patchChild(child, { properties: { [field]: httpsUrl } }),
        changes: [change(`${childPath(child)}: properties.${field}`, url, httpsUrl)],
        preconditions: [
          toConfirm(
            `The backend serves HTTPS at ${where}`,
            `The estate cannot show whether ${where} answers HTTPS with a certificate the gateway trusts${/:\d+$/.test(where) ? ' (the URL names its port, and the request keeps it)' : ''}: confirm it (for example with curl -v ${httpsUrl}) before applying.`,
          ),
        ],
        blastRadius: `Every call that ${describeChild(child)} forwards goes to ${httpsUrl}; if the backend does not serve HTTPS there with a trusted certificate, those calls fail at the gateway.`,
      };
    }
    return undefined;
  },
});

/** The URL with `http://` (any casing) replaced by `https://`; host, port and path unchanged. */
function withHttps(url: string): string | undefined {
  const trimmed = url.trim();
  return trimmed.toLowerCase().startsWith('http://') ? `https://${trimmed.slice('http://'.length)}` : undefined;
}

/** `host` or `host:port` of a URL, for sentences; the URL itself when it does not parse. */
function serverOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}
