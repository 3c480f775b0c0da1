import { defineRule, evidence, fail, pass } from './define-rule.js';
import { childPath, childSubject, judgeChildren } from './shared/children.js';
import { change, findingChild, objectField, patchChild } from './shared/fix-plans.js';
import { isFalseFlag, readPath } from './shared/values.js';

/** The two validation switches, with the words used for them in reasons. */
const CHECKS: readonly { key: string; label: string }[] = [
  { key: 'validateCertificateChain', label: 'the chain' },
  { key: 'validateCertificateName', label: 'the name' },
];

export default defineRule({
  meta: {
    id: 'APIM-026',
    title: 'Backend certificate chain and name validation is not bypassed',
    failureTitle: 'Backend certificate validation bypassed',
    severity: 'high',
    category: 'encryption',
    pillar: 'security',
    needs: ['backends'],
    fix: 'guarded',
    sources: {
      azurePolicy: ['92bb331d-ac71-416a-8c91-02f2cb734ce4'],
    },
    docs: {
      synopsis: 'The gateway validates the TLS certificate chain and host name of every backend.',
      description:
        'A backend entity can switch off validation of the backend\'s TLS certificate with properties.tls.validateCertificateChain and properties.tls.validateCertificateName. With either switched off, the gateway accepts any certificate — self-signed, expired, or issued for another host — so an attacker who can redirect traffic between the gateway and the backend can read and change every request, and HTTPS to the backend (APIM-025) no longer protects anything.',
      recommendation:
        'Set both switches to true (or remove them: the default is true). Give the backend a certificate from a trusted CA for its host name; for a private CA, upload the CA certificate to API Management instead of turning validation off.',
      howChecked:
        'Reads properties.tls.validateCertificateChain and properties.tls.validateCertificateName of each backend (Microsoft.ApiManagement/service/backends). A value of false (JSON boolean, or the string "false" in any casing) fails the backend. An absent value, or an absent tls object, means the platform default true and passes. A service without backends passes.',
      notApplicableWhen: 'The service\'s backends were not collected (they are read from ARM by a deep audit).',
      examples: [
        {
          title: 'Azure CLI',
          language: 'bash',
          code: [
            'az rest --method patch --headers "If-Match=*" \\',
            '  --url "https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>/backends/<backendId>?api-version=2024-05-01" \\',
            '  --body \'{"properties":{"tls":{"validateCertificateChain":true,"validateCertificateName":true}}}\'',
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
              properties: {
                protocol: 'http',
                url: 'https://orders.contoso.com/api',
                tls: { validateCertificateChain: true, validateCertificateName: true },
              },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'Guarded fix: before switching validation on, check that the backend presents a certificate the gateway trusts for its host name (a trusted public CA, or a CA certificate uploaded to API Management). Otherwise every call to that backend fails with a TLS error. Validation is sometimes switched off for development backends with self-signed certificates; exempt those explicitly instead of leaving the switch off in production.',
      links: [
        { title: 'Backends in API Management', url: 'https://learn.microsoft.com/azure/api-management/backends' },
        { title: 'Add a custom CA certificate in API Management', url: 'https://learn.microsoft.com/azure/api-management/api-management-howto-ca-certificates' },
        { title: 'Backend - Update (REST API)', url: 'https://learn.microsoft.com/rest/api/apimanagement/backend/update' },
        { title: 'Azure Policy built-in definitions for API Management', url: 'https://learn.microsoft.com/azure/api-management/policy-reference' },
      ],
    },
  },
  evaluate(service) {
    return judgeChildren(
      service,
      'backends',
      (backend) => {
        const judged = CHECKS.map(({ key, label }) => {
          const value = readPath(backend.properties, `tls.${key}`);
          const path = `${childPath(backend)}: properties.tls.${key}`;
          const absent = value === undefined || value === null;
          return {
            label,
            bypassed: isFalseFlag(value),
            evidence: absent ? evidence(path, undefined, true, 'absent — platform default: true (validated)') : evidence(path, value, true),
          };
        });
        const bypassed = judged.filter((check) => check.bypassed);
        if (bypassed.length > 0) {
          return fail(
            () => `${childSubject(backend)} does not validate ${bypassed.map((check) => check.label).join(' or ')} of the backend's TLS certificate.`,
            () => bypassed.map((check) => check.evidence),
          );
        }
        return pass(() => `${childSubject(backend)} validates the chain and the name of the backend's TLS certificate.`, () => judged.map((check) => check.evidence));
      },
      { none: 'The service has no backends, so no certificate validation is bypassed.' },
    );
  },
  planFix(service, result) {
    const backend = findingChild(service, 'backends', result.resourceId);
    if (backend === undefined) return undefined;
    const tls = objectField(backend.properties, 'tls');
    if (!CHECKS.some(({ key }) => isFalseFlag(tls[key]))) return undefined;
    // The whole tls object is sent, both switches true; other fields are kept as read.
    const body = { ...tls, validateCertificateChain: true, validateCertificateName: true };
    const changes = CHECKS.filter(({ key }) => tls[key] !== true).map(({ key }) => change(`${childPath(backend)}: properties.tls.${key}`, tls[key], true));
    return {
      resourceId: result.resourceId,
      summary: `Make backend '${backend.name}' of service '${service.name}' validate the chain and the name of the backend's TLS certificate.`,
      request: patchChild(backend, { properties: { tls: body } }),
      changes,
      preconditions: [],
      blastRadius: `Calls through backend '${backend.name}' fail while its server presents a self-signed, untrusted or mismatched certificate.`,
    };
  },
});
