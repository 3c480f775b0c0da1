import { defineRule, error, evidence, fail, notApplicable, pass } from './define-rule.js';
import { childPath, childSubject, judgeChildren } from './shared/children.js';
import { change, findingChild, patchChild, toConfirm } from './shared/fix-plans.js';

/**
 * Plain-text protocols and the encrypted protocol that replaces each. A Map, not an object literal:
 * protocol names come from the estate, and `constructor` or `__proto__` must find nothing here.
 */
const ENCRYPTED_EQUIVALENT: ReadonlyMap<string, string> = new Map([
  ['http', 'https'],
  ['ws', 'wss'],
]);
const ENCRYPTED = new Set(['https', 'wss']);

const protocolKey = (protocol: string): string => protocol.trim().toLowerCase();

const isEncrypted = (protocol: string): boolean => ENCRYPTED.has(protocolKey(protocol));

/**
 * The protocol list with every plain-text entry swapped for its encrypted twin and unknown names
 * dropped, without duplicates; when nothing is left, the encrypted protocol of the API's kind.
 */
function encryptedProtocols(protocols: readonly string[], apiType: unknown): string[] {
  const result: string[] = [];
  for (const protocol of protocols) {
    const wanted = ENCRYPTED_EQUIVALENT.get(protocolKey(protocol)) ?? (isEncrypted(protocol) ? protocol : undefined);
    if (wanted !== undefined && !result.some((entry) => entry.toLowerCase() === wanted.toLowerCase())) result.push(wanted);
  }
  if (result.length === 0 && protocols.length > 0) result.push(typeof apiType === 'string' && apiType.toLowerCase() === 'websocket' ? 'wss' : 'https');
  return result;
}

/** "accepts http and ws", "lists \"ftp\", which is neither https nor wss", or both; empty when every entry is encrypted. */
function plainTextDescription(protocols: readonly string[]): string {
  const keys = [...new Set(protocols.map(protocolKey))];
  const plain = keys.filter((key) => ENCRYPTED_EQUIVALENT.has(key));
  const unknown = [...new Set(protocols.filter((protocol) => !ENCRYPTED_EQUIVALENT.has(protocolKey(protocol)) && !isEncrypted(protocol)))];
  const parts: string[] = [];
  if (plain.length > 0) parts.push(`accepts ${plain.join(' and ')}`);
  if (unknown.length > 0) {
    parts.push(`lists ${unknown.map((name) => JSON.stringify(name)).join(', ')}, which ${unknown.length === 1 ? 'is' : 'are'} neither https nor wss`);
  }
  return parts.join(' and ');
}

export default defineRule({
  meta: {
    id: 'APIM-024',
    title: 'APIs accept only HTTPS and WSS',
    failureTitle: 'APIs accept unencrypted HTTP or WS',
    severity: 'high',
    category: 'encryption',
    pillar: 'security',
    needs: ['apis'],
    fix: 'guarded',
    sources: {
      psrule: ['Azure.APIM.HTTPEndpoint', 'AZR-000042'],
      azurePolicy: ['ee7495e7-3ba7-40b6-bfee-c29e22cc75d4'],
      mcsb: ['DP-3'],
    },
    docs: {
      synopsis: 'Every API accepts client calls only over encrypted protocols: https, or wss for WebSocket APIs.',
      description:
        'Each API lists the protocols the gateway accepts for it in properties.protocols. An API that accepts http (or ws for WebSocket APIs) lets clients send subscription keys, tokens and payloads in clear text, where anyone on the path can read or change them. The gateway itself supports TLS on every tier, so plain-text protocols are never needed on the client side.',
      recommendation:
        'Remove "http" and "ws" from properties.protocols of every API: REST, SOAP and GraphQL APIs keep ["https"], WebSocket APIs keep ["wss"]. Tell the callers of each API first and move them to the https:// or wss:// gateway URL.',
      howChecked:
        'Reads properties.protocols of each API (Microsoft.ApiManagement/service/apis) and fails the API when the list contains "http" or "ws" (any casing, surrounding spaces ignored), or any name other than "https" and "wss" (Azure accepts no other protocol, so such an entry comes from a broken or hand-edited export; the fix drops it, and an API left with nothing gets https, or wss for a WebSocket API). Azure Policy ee7495e7 checks both; PSRule Azure.APIM.HTTPEndpoint checks only "http". An API without properties.protocols is not evaluated (the verdict for it says so); an empty list accepts no plain-text protocol and passes. A service without APIs passes.',
      notApplicableWhen:
        'The service\'s APIs were not collected (they are read from ARM by a deep audit), or an API does not report properties.protocols.',
      examples: [
        {
          title: 'Azure CLI (one API at a time)',
          language: 'bash',
          code: [
            'az rest --method patch --headers "If-Match=*" \\',
            '  --url "https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>/apis/<apiId>?api-version=2024-05-01" \\',
            '  --body \'{"properties":{"protocols":["https"]}}\'',
            '# WebSocket APIs: --body \'{"properties":{"protocols":["wss"]}}\'',
          ].join('\n'),
        },
        {
          title: 'ARM template',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.ApiManagement/service/apis',
              apiVersion: '2024-05-01',
              name: '<name>/orders',
              properties: { displayName: 'Orders', path: 'orders', protocols: ['https'] },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'Guarded fix, applied per API: callers that still use http:// or ws:// get errors as soon as the protocol is removed, so check the gateway logs for plain-text calls first. A PUT of an API replaces its whole definition, so change protocols with PATCH. The rule judges every API entry the export lists, including revisions.',
      links: [
        { title: 'Import and publish your first API (protocols)', url: 'https://learn.microsoft.com/azure/api-management/import-and-publish' },
        { title: 'Apis - Update (REST API)', url: 'https://learn.microsoft.com/rest/api/apimanagement/apis/update' },
        { title: 'Azure Policy built-in definitions for API Management', url: 'https://learn.microsoft.com/azure/api-management/policy-reference' },
        { title: 'PSRule Azure.APIM.HTTPEndpoint', url: 'https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.HTTPEndpoint/' },
      ],
    },
  },
  evaluate(service) {
    return judgeChildren(
      service,
      'apis',
      (api) => {
        const path = `${childPath(api)}: properties.protocols`;
        const protocols = api.properties['protocols'];
        if (protocols === undefined || protocols === null) {
          return notApplicable(() => `${childSubject(api)} does not report properties.protocols, so the protocols it accepts are not evaluated.`);
        }
        if (!Array.isArray(protocols) || protocols.some((entry) => typeof entry !== 'string')) {
          return error(() => `${childSubject(api)} has properties.protocols that is not a list of protocol names: ${JSON.stringify(protocols)}.`);
        }
        const listed = protocols as string[];
        const problem = plainTextDescription(listed);
        if (problem !== '') {
          return fail(() => `${childSubject(api)} ${problem}.`, () => [evidence(path, listed, encryptedProtocols(listed, api.properties['type']))]);
        }
        const reason =
          listed.length === 0
            ? `${childSubject(api)} lists no protocols, so it accepts no plain-text calls.`
            : `${childSubject(api)} accepts only ${listed.join(', ')}.`;
        return pass(reason, () => [evidence(path, listed, listed)]);
      },
      { none: 'The service has no APIs, so none accepts plain-text protocols.' },
    );
  },
  planFix(service, result) {
    const api = findingChild(service, 'apis', result.resourceId);
    const protocols = api?.properties['protocols'];
    if (api === undefined || !Array.isArray(protocols)) return undefined;
    const listed: unknown[] = protocols;
    if (!listed.every((entry) => typeof entry === 'string')) return undefined;
    const encrypted = encryptedProtocols(listed, api.properties['type']);
    const plain = listed.filter((protocol) => !isEncrypted(protocol));
    if (plain.length === 0) return undefined;
    return {
      resourceId: result.resourceId,
      summary: `Make API '${api.name}' of service '${service.name}' accept only ${encrypted.join(' and ')}.`,
      request: patchChild(api, { properties: { protocols: encrypted } }),
      changes: [change(`${childPath(api)}: properties.protocols`, listed, encrypted)],
      preconditions: [
        toConfirm(
          `No caller of API '${api.name}' uses ${plainWords(plain)}`,
          `The estate cannot show how API '${api.name}' is called: confirm in the gateway logs (ApiManagementGatewayLogs, requests to this API whose Url starts with ${plainSchemes(plain)}) that no caller still uses ${plainWords(plain)}, or move those callers to ${encrypted.join(' or ')} first — they get no answer once it is removed.`,
        ),
      ],
      blastRadius: `Callers of API '${api.name}' that use ${[...new Set(plain.map(protocolKey))].join(' or ')} get no answer any more and must switch to ${encrypted.join(' or ')}.`,
    };
  },
});

/** "http" or "http or ws": the plain-text protocols an API accepts, lower case, once each. */
function plainWords(plain: readonly string[]): string {
  return [...new Set(plain.map((protocol) => protocol.trim().toLowerCase()))].join(' or ');
}

/** "http://" or "http:// or ws://". */
function plainSchemes(plain: readonly string[]): string {
  return [...new Set(plain.map((protocol) => `${protocol.trim().toLowerCase()}://`))].join(' or ');
}
