import rule from '../../src/rules/apim-015-certificate-expiry.js';
import { apimService, apimV2Service, type Raw } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const VAULT = 'https://vault-a.vault.azure.net/secrets/apicert';

/** The default *.azure-api.net host, which has no certificate of its own. */
const builtIn: Raw = { type: 'Proxy', hostName: 'apim-test.azure-api.net', defaultSslBinding: false, certificateSource: 'BuiltIn' };

/** A custom host name; `keyVaultId: null` makes it an uploaded certificate. */
function host(hostName: string, certificate: Raw | null, keyVaultId: string | null = VAULT): Raw {
  return {
    type: 'Proxy',
    hostName,
    ...(keyVaultId === null ? { certificateSource: 'Custom' } : { keyVaultId, certificateSource: 'KeyVault' }),
    certificate,
    defaultSslBinding: true,
  };
}

function cert(expiry: unknown): Raw {
  return { expiry, thumbprint: '0000000000000000000000000000000000000000', subject: 'CN=api.contoso.com' };
}

function withHosts(...hostnameConfigurations: Raw[]) {
  return apimService({ properties: { hostnameConfigurations } });
}

// The tests run at 2026-06-01T00:00:00Z (TEST_NOW): the default threshold is 2026-07-01T00:00:00Z.
ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2 with only the built-in host name', resources: [apimV2Service('BasicV2')], reason: 'no custom-domain certificates to renew' },
    {
      name: 'PremiumV2 with a Key Vault certificate valid until 2099',
      resources: [apimV2Service('PremiumV2', { properties: { hostnameConfigurations: [builtIn, host('api.contoso.com', cert('2099-01-01T12:00:00+00:00'))] } })],
      reason: 'valid for at least 30 more days',
    },
    { name: 'only the built-in host name', resources: [apimService()], reason: "Service 'apim-test' has no custom-domain certificates to renew." },
    { name: 'hostnameConfigurations null', resources: [apimService({ properties: { hostnameConfigurations: null } })], reason: 'no custom-domain certificates' },
    { name: 'hostnameConfigurations empty', resources: [withHosts()], reason: 'no custom-domain certificates' },
    {
      name: 'Key Vault certificates valid until 2099 (PSRule apim-A)',
      resources: [withHosts(builtIn, host('api.contoso.com', cert('2099-01-01T12:00:00+00:00')), host('management.contoso.com', cert('2098-01-01T12:00:00+00:00')))],
      reason: "has 2 custom-domain certificates, valid for at least 30 more days; the earliest, for 'management.contoso.com', expires on 2098-01-01.",
    },
    { name: 'expiry exactly at now + 30 days', resources: [withHosts(host('api.contoso.com', cert('2026-07-01T00:00:00Z')))] },
    { name: 'entry with certificate null is ignored', resources: [withHosts(host('api.contoso.com', null), host('portal.contoso.com', cert('2030-01-01T00:00:00Z')))], reason: "one custom-domain certificate" },
    {
      name: 'minimumDaysRemaining 7 and ten days left',
      resources: [withHosts(host('api.contoso.com', cert('2026-06-11T00:00:00Z')))],
      options: { minimumDaysRemaining: 7 },
      reason: 'valid for at least 7 more days',
    },
  ],
  fail: [
    {
      name: 'StandardV2 with an expired uploaded certificate',
      resources: [apimV2Service('StandardV2', { properties: { hostnameConfigurations: [builtIn, host('api.contoso.com', cert('2020-01-01T12:00:00+00:00'), null)] } })],
      reason: "The certificate for 'api.contoso.com' expired",
      evidence: [{ path: 'properties.hostnameConfigurations[1].certificate.expiry', actual: '2020-01-01T12:00:00+00:00' }],
    },
    {
      name: 'Key Vault certificate expired in 2020 (PSRule apim-C)',
      resources: [withHosts(builtIn, host('api.contoso.com', cert('2020-01-01T12:00:00+00:00')), host('management.contoso.com', cert('2099-01-01T12:00:00+00:00')))],
      reason: `Service 'apim-test' has a certificate that must be renewed: The certificate for 'api.contoso.com' expired 2342 days ago, on 2020-01-01. It is Key Vault-backed (${VAULT}), so API Management picks up a certificate renewed in Key Vault automatically`,
      evidence: [
        {
          path: 'properties.hostnameConfigurations[1].certificate.expiry',
          actual: '2020-01-01T12:00:00+00:00',
          expected: 'not before 2026-07-01T00:00:00.000Z (now + 30 days)',
          note: `expired — Key Vault-backed: ${VAULT}`,
        },
      ],
    },
    {
      name: 'uploaded certificate expiring in nine days',
      resources: [withHosts(host('api.contoso.com', cert('2026-06-10T00:00:00Z'), null))],
      reason: "The certificate for 'api.contoso.com' expires on 2026-06-10, in 9 days (fewer than the 30 required). It was uploaded to the service, so a renewed certificate must be uploaded.",
      evidence: [{ path: 'properties.hostnameConfigurations[0].certificate.expiry', actual: '2026-06-10T00:00:00Z', note: 'expires soon — uploaded certificate' }],
    },
    {
      name: 'one second before the threshold',
      resources: [withHosts(host('api.contoso.com', cert('2026-06-30T23:59:59Z')))],
      reason: 'in 29 days',
      evidence: [{ path: 'properties.hostnameConfigurations[0].certificate.expiry', actual: '2026-06-30T23:59:59Z' }],
    },
    {
      name: 'expires in twelve hours',
      resources: [withHosts(host('api.contoso.com', cert('2026-06-01T12:00:00Z')))],
      reason: 'in less than a day',
      evidence: [{ path: 'properties.hostnameConfigurations[0].certificate.expiry', actual: '2026-06-01T12:00:00Z' }],
    },
    {
      name: 'expired twelve hours ago',
      resources: [withHosts(host('api.contoso.com', cert('2026-05-31T12:00:00Z')))],
      reason: 'expired less than a day ago, on 2026-05-31',
      evidence: [{ path: 'properties.hostnameConfigurations[0].certificate.expiry', note: 'expired' }],
    },
    {
      name: 'certificate without an expiry date',
      resources: [withHosts(host('api.contoso.com', { thumbprint: 'AB' }))],
      reason: "The certificate for 'api.contoso.com' has no expiry date, so its validity cannot be shown.",
      evidence: [{ path: 'properties.hostnameConfigurations[0].certificate.expiry', actual: undefined, note: 'absent' }],
    },
    {
      name: 'unparsable expiry date',
      resources: [withHosts(host('api.contoso.com', cert('next spring')))],
      reason: 'has an expiry date that cannot be read ("next spring")',
      evidence: [{ path: 'properties.hostnameConfigurations[0].certificate.expiry', actual: 'next spring', note: 'not a date' }],
    },
    {
      name: 'two of three certificates fail, only those are evidence',
      resources: [
        withHosts(
          host('api.contoso.com', cert('2099-01-01T00:00:00Z')),
          host('portal.contoso.com', cert('2026-06-15T00:00:00Z'), null),
          host('management.contoso.com', cert('2025-12-01T00:00:00Z')),
        ),
      ],
      reason: "has 2 certificates that must be renewed: The certificate for 'portal.contoso.com' expires on 2026-06-15, in 14 days",
      evidence: [
        { path: 'properties.hostnameConfigurations[1].certificate.expiry', actual: '2026-06-15T00:00:00Z' },
        { path: 'properties.hostnameConfigurations[2].certificate.expiry', actual: '2025-12-01T00:00:00Z' },
      ],
    },
    {
      name: 'minimumDaysRemaining 90 and sixty days left',
      resources: [withHosts(host('api.contoso.com', cert('2026-07-31T00:00:00Z')))],
      options: { minimumDaysRemaining: 90 },
      reason: 'in 60 days (fewer than the 90 required)',
      evidence: [{ expected: 'not before 2026-08-30T00:00:00.000Z (now + 90 days)' }],
    },
    {
      name: 'evaluated at another time (context.now)',
      resources: [withHosts(host('api.contoso.com', cert('2020-01-01T12:00:00+00:00')))],
      now: new Date('2019-12-15T00:00:00Z'),
      reason: 'expires on 2020-01-01, in 17 days',
      evidence: [{ expected: 'not before 2020-01-14T00:00:00.000Z (now + 30 days)' }],
    },
  ],
  notApplicable: [
    {
      name: 'hostnameConfigurations not in the export',
      resources: [apimService({ properties: { hostnameConfigurations: undefined } })],
      reason: "Service 'apim-test' has no properties.hostnameConfigurations in the exported data, so its custom-domain certificates cannot be checked.",
    },
  ],
  error: [{ name: 'service with null properties', resources: [{ ...apimService(), properties: null }], reason: 'properties is null' }],
});
