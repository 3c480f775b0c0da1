import { defineRule, evidence, fail, notApplicable, pass } from './define-rule.js';
import { change, patchService, serviceAtRest, toConfirm } from './shared/fix-plans.js';
import { isConsumption } from './shared/sku.js';
import { isTrueFlag, readField } from './shared/values.js';

const PATH = 'properties.enableClientCertificate';

export default defineRule({
  meta: {
    id: 'APIM-018',
    title: 'Consumption services request client certificates',
    failureTitle: 'Client certificates not requested',
    severity: 'medium',
    category: 'api-security',
    pillar: 'security',
    needs: [],
    fix: 'guarded',
    sources: { checkov: ['CKV_AZURE_152'] },
    docs: {
      synopsis: 'Make the gateway of a Consumption-tier service request a client certificate, so that policies can authenticate callers by certificate.',
      description:
        'On the Consumption tier the gateway only asks callers for a TLS client certificate when properties.enableClientCertificate is true. Without it, context.Request.Certificate is always empty, so validate-client-certificate and other certificate checks in policies cannot authenticate callers, and APIs rely on subscription keys alone. The property is meant for the Consumption tier only; the other tiers negotiate client certificates per host name (hostnameConfigurations[*].negotiateClientCertificate).',
      recommendation:
        'Set properties.enableClientCertificate to true and validate the certificate in policy (validate-client-certificate, or a check of context.Request.Certificate) for the APIs that need it.',
      howChecked:
        'Runs for the Consumption tier only (sku.name "Consumption", any casing). properties.enableClientCertificate true (JSON true or the string "true" in any casing) passes; false, absent or null fails (the platform default is false).',
      notApplicableWhen: 'The service is not on the Consumption tier: the property is meant for Consumption only, and ARM rejects setting it to false on the Developer tier, so it is never judged or changed elsewhere.',
      examples: [
        {
          title: 'Azure CLI',
          language: 'bash',
          code: [
            'az rest --method patch \\',
            '  --url "https://management.azure.com/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ApiManagement/service/<name>?api-version=2024-05-01" \\',
            '  --body \'{"properties":{"enableClientCertificate":true}}\'',
          ].join('\n'),
        },
        {
          title: 'ARM template',
          language: 'json',
          code: JSON.stringify(
            { type: 'Microsoft.ApiManagement/service', apiVersion: '2024-05-01', sku: { name: 'Consumption', capacity: 0 }, properties: { enableClientCertificate: true } },
            null,
            2,
          ),
        },
      ],
      notes:
        'The fix is guarded: once enabled, the gateway asks every caller for a certificate during the TLS handshake, so treat every caller as affected — clients that cannot present one may fail — and roll out the certificate checks in policy per API. Never send this property for other tiers: ARM rejects enableClientCertificate=false on the Developer tier (pulumi/pulumi#10298). Checkov CKV_AZURE_152 checks the same setting in Terraform only.',
      links: [
        { title: 'How to secure APIs using client certificate authentication in API Management', url: 'https://learn.microsoft.com/azure/api-management/api-management-howto-mutual-certificates-for-clients' },
        { title: 'validate-client-certificate policy', url: 'https://learn.microsoft.com/azure/api-management/validate-client-certificate-policy' },
        { title: 'Microsoft.ApiManagement/service template reference', url: 'https://learn.microsoft.com/azure/templates/microsoft.apimanagement/service' },
      ],
    },
  },
  evaluate(service) {
    if (!isConsumption(service)) {
      return notApplicable(
        () => `Service '${service.name}' is on the ${service.sku.name ?? 'unknown'} tier; properties.enableClientCertificate is meant for the Consumption tier only (other tiers negotiate client certificates per host name), so it is neither checked nor changed here.`,
      );
    }
    const value = readField(service.properties, 'enableClientCertificate');
    if (isTrueFlag(value)) {
      return pass(() => `Service '${service.name}' requests client certificates from callers.`, () => [evidence(PATH, value, true)]);
    }
    const absent = value === undefined || value === null;
    return fail(
      () => `Service '${service.name}' does not request client certificates, so policies cannot authenticate callers by certificate.`,
      () => [evidence(PATH, absent ? undefined : value, true, absent ? 'absent — platform default: false' : undefined)],
    );
  },
  planFix(service, result) {
    // ARM rejects the switch outside Consumption (even setting it to false, on Developer): never touch it there.
    const value = readField(service.properties, 'enableClientCertificate');
    if (!isConsumption(service) || isTrueFlag(value)) return undefined;
    return {
      resourceId: result.resourceId,
      summary: `Make service '${service.name}' request a client certificate from every caller.`,
      request: patchService(service, { properties: { enableClientCertificate: true } }),
      changes: [change(PATH, value ?? undefined, true)],
      preconditions: [
        serviceAtRest(service),
        toConfirm(
          'Callers present a client certificate when the gateway asks',
          `The estate cannot show which callers of service '${service.name}' can present a client certificate: confirm with the API owners (or in the gateway logs) that every client, test tool and health probe has one, and that the policies validating it are in place, before applying — callers that cannot present one may be refused.`,
        ),
      ],
      blastRadius:
        'Every caller must then present a client certificate: callers and tools that cannot present one have to be updated before the change.',
    };
  },
});
