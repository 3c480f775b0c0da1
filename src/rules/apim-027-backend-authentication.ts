import type { ChildResource } from '../estate/model.js';
import type { Verdict } from './types.js';
import { defineRule, evidence, fail, notApplicable, pass } from './define-rule.js';
import { childPath, childSubject, judgeChildren } from './shared/children.js';
import { equalsIgnoreCase, isBlank, readPath } from './shared/values.js';

const EXPECTED =
  'a client certificate (certificate[] or certificateIds[]), an authorization scheme with a parameter, a header or query credential with a value, or a managed identity';

/** A value for a sentence: strings as they are, anything else as JSON. */
function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : JSON.stringify(value);
}

function isNonEmptyList(value: unknown): boolean {
  return Array.isArray(value) && value.some((entry) => !isBlank(entry));
}

function isNonEmptyMap(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0;
}

/**
 * What a backend's credentials hold, by kind only: names of headers and query parameters and the
 * authorization scheme, never a value (they are secrets). `sent` are credentials the gateway sends;
 * `empty` are entries that send nothing (a scheme without a parameter, a header without values).
 */
interface CredentialKinds {
  readonly sent: string[];
  readonly empty: string[];
}

function credentialKinds(credentials: unknown): CredentialKinds {
  const sent: string[] = [];
  const empty: string[] = [];
  if (isNonEmptyList(readPath(credentials, 'certificate'))) sent.push('client certificate (certificate[])');
  if (isNonEmptyList(readPath(credentials, 'certificateIds'))) sent.push('client certificate (certificateIds[])');
  const scheme = readPath(credentials, 'authorization.scheme');
  const parameter = readPath(credentials, 'authorization.parameter');
  if (!isBlank(scheme)) {
    // Azure Policy c15dcc82 needs both: a scheme without a parameter sends no credential.
    if (isBlank(parameter)) empty.push(`authorization scheme ${text(scheme)} without a parameter`);
    else sent.push(`authorization scheme ${text(scheme)}`);
  } else if (!isBlank(parameter)) {
    empty.push('authorization parameter without a scheme');
  }
  namedValues(readPath(credentials, 'header'), 'header', sent, empty);
  namedValues(readPath(credentials, 'query'), 'query parameter', sent, empty);
  const identity = readPath(credentials, 'managedIdentity');
  if (isNonEmptyMap(identity) || identity === true || (typeof identity === 'string' && !isBlank(identity))) {
    sent.push('managed identity');
  }
  return { sent, empty };
}

/** Header or query entries (`{ name: [values] }`): an entry counts only when it has a non-blank value. */
function namedValues(map: unknown, label: string, sent: string[], empty: string[]): void {
  if (typeof map !== 'object' || map === null || Array.isArray(map)) return;
  for (const [name, values] of Object.entries(map)) {
    const hasValue = Array.isArray(values) ? isNonEmptyList(values) : !isBlank(values);
    (hasValue ? sent : empty).push(hasValue ? `${label} ${name}` : `${label} ${name} without a value`);
  }
}

function judgeBackend(backend: ChildResource): Verdict {
  const props = backend.properties;
  const serviceFabric = readPath(props, 'properties.serviceFabricCluster');
  if (serviceFabric !== undefined && serviceFabric !== null) {
    return notApplicable(() => `${childSubject(backend)} is a Service Fabric backend; its calls are authenticated with the cluster's client certificate, which this rule does not read.`);
  }
  const protocol = props['protocol'];
  if (isBlank(protocol)) {
    return notApplicable(() => `${childSubject(backend)} does not report properties.protocol, so it is not evaluated.`);
  }
  if (!equalsIgnoreCase(protocol, 'http')) {
    return notApplicable(() => `${childSubject(backend)} uses the ${text(protocol)} protocol; this rule judges HTTP backends only.`);
  }
  if (isBlank(props['url'])) {
    return notApplicable(() => `${childSubject(backend)} has no properties.url (for example a load-balanced pool), so it calls no backend itself.`);
  }
  const path = `${childPath(backend)}: properties.credentials`;
  const credentials = props['credentials'];
  if (credentials === undefined || credentials === null) {
    return fail(() => `${childSubject(backend)} calls ${text(props['url'])} without credentials.`, () => [
      evidence(path, undefined, EXPECTED, 'absent — the gateway sends no credentials to the backend'),
    ]);
  }
  const { sent, empty } = credentialKinds(credentials);
  if (sent.length === 0) {
    const reason =
      empty.length === 0
        ? `${childSubject(backend)} calls ${text(props['url'])} without credentials.`
        : `${childSubject(backend)} calls ${text(props['url'])} without credentials: ${empty.join(', ')} sends nothing.`;
    return fail(reason, () => [evidence(path, empty, EXPECTED, empty.length === 0 ? 'no credential of any kind is set' : 'entries without a value send nothing to the backend')]);
  }
  return pass(() => `${childSubject(backend)} authenticates to its backend with ${sent.join(', ')}.`, () => [evidence(path, sent, EXPECTED)]);
}

export default defineRule({
  meta: {
    id: 'APIM-027',
    title: 'Backend calls are authenticated',
    failureTitle: 'Unauthenticated backend calls',
    severity: 'medium',
    category: 'api-security',
    pillar: 'security',
    needs: ['backends'],
    fix: 'manual',
    sources: {
      azurePolicy: ['c15dcc82-b93c-4dcb-9332-fbf121685b54'],
    },
    docs: {
      synopsis: 'Every HTTP backend entity carries credentials, so the backend can tell the gateway from anyone else.',
      description:
        'A backend that accepts unauthenticated calls trusts anything that can reach it: callers can bypass the gateway and its policies (rate limits, validation, authorization) by calling the backend directly. A backend entity can carry credentials that the gateway sends with every call: a client certificate, an Authorization header, other headers or query parameters, or a managed identity token.',
      recommendation:
        'Configure credentials on each HTTP backend entity — preferably a managed identity or a client certificate stored in Key Vault — and make the backend reject calls without them. Keep secrets in Key Vault-backed named values rather than inline.',
      howChecked:
        'Reads each backend (Microsoft.ApiManagement/service/backends) with properties.protocol "http" (any casing; the backend type, not the URL scheme) and a properties.url. It passes when properties.credentials has a non-empty certificate[] or certificateIds[], an authorization.scheme together with a non-blank authorization.parameter, a header or query entry with at least one non-blank value, or a managedIdentity entry; otherwise it fails (absent credentials count as none). An authorization scheme without a parameter, a parameter without a scheme, and header or query entries with an empty value list send nothing, so they do not count (Azure Policy c15dcc82 likewise requires both scheme and parameter). Evidence lists credential kinds only (certificate lists, the authorization scheme, header and query parameter names), never their values. Azure Policy c15dcc82 recognises only certificates and the authorization header; managed-identity credentials are treated as compliant here to avoid its open false positive (azure-policy#1539), and header/query credentials count too. A service without backends passes.',
      notApplicableWhen:
        'The backends were not collected (a deep audit reads them from ARM); a backend is a Service Fabric backend (properties.properties.serviceFabricCluster), uses another protocol (soap), reports no protocol, or has no URL (load-balanced pools).',
      examples: [
        {
          title: 'Azure CLI (client certificate uploaded to API Management)',
          language: 'bash',
          code: [
            'az rest --method patch --headers "If-Match=*" \\',
            '  --url "https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>/backends/<backendId>?api-version=2024-05-01" \\',
            '  --body \'{"properties":{"credentials":{"certificateIds":["/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>/certificates/<certId>"]}}}\'',
          ].join('\n'),
        },
        {
          title: 'ARM template (Authorization header from a Key Vault named value)',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.ApiManagement/service/backends',
              apiVersion: '2024-05-01',
              name: '<name>/orders',
              properties: {
                protocol: 'http',
                url: 'https://orders.contoso.com/api',
                credentials: { authorization: { scheme: 'Bearer', parameter: '{{orders-backend-token}}' } },
              },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'Manual fix: credentials are secrets that the backend owner must issue, and the backend must be changed to require them. Authentication added in policies (authentication-managed-identity, authentication-certificate, set-header) is not on the backend entity and is not seen by this rule, so such backends fail; exempt them with that reason. Backends referenced only from policies with set-backend-service base-url are not backend entities and are not judged.',
      links: [
        { title: 'Backends in API Management', url: 'https://learn.microsoft.com/azure/api-management/backends' },
        { title: 'Authentication and authorization to APIs in API Management', url: 'https://learn.microsoft.com/azure/api-management/authentication-authorization-overview' },
        { title: 'Secure backend services using client certificate authentication', url: 'https://learn.microsoft.com/azure/api-management/api-management-howto-mutual-certificates' },
        { title: 'Authenticate with managed identity (policy)', url: 'https://learn.microsoft.com/azure/api-management/authentication-managed-identity-policy' },
        { title: 'Azure Policy built-in definitions for API Management', url: 'https://learn.microsoft.com/azure/api-management/policy-reference' },
      ],
    },
  },
  evaluate(service) {
    return judgeChildren(service, 'backends', judgeBackend, { none: 'The service has no backends, so no backend call goes out unauthenticated.' });
  },
});
