import { z } from 'zod';
import { isObject } from '../estate/fields.js';
import { defineRule, evidence, fail, notApplicable, pass } from './define-rule.js';
import { count } from './shared/text.js';
import { isBlank, readField } from './shared/values.js';
import type { Evidence } from './types.js';

const options = z.object({
  /** A certificate fails when it expires sooner than this many days from now (PSRule Azure_MinimumCertificateLifetime). */
  minimumDaysRemaining: z.number().int().nonnegative().default(30),
});

type Options = z.infer<typeof options>;

const DAY_MS = 24 * 60 * 60 * 1000;

/** One custom-domain certificate and what the rule made of it. */
interface CertificateCheck {
  readonly hostName: string;
  readonly ok: boolean;
  /** One sentence about this certificate, ending with a full stop. */
  readonly sentence: string;
  readonly evidence: Evidence;
  readonly expiresAt: number | undefined;
}

export default defineRule<Options>({
  meta: {
    id: 'APIM-015',
    title: 'Custom-domain certificates are valid for at least 30 more days',
    failureTitle: 'Custom-domain certificate expiring',
    severity: 'high',
    category: 'encryption',
    pillar: 'security',
    needs: [],
    fix: 'manual',
    sources: {
      psrule: ['Azure.APIM.CertificateExpiry', 'AZR-000051'],
      azqr: ['apim-011'],
      mcsb: ['DP-7'],
    },
    docs: {
      synopsis: 'Renew the TLS certificates of custom domains (gateway, developer portal, management, SCM) before they expire.',
      description:
        'A custom host name of API Management serves the certificate bound to it. When that certificate expires, clients reject the TLS handshake and every API, the developer portal or the management endpoint on that host name stops working for them. Certificates referenced from Key Vault (keyVaultId) are re-read by API Management periodically (a renewed version is picked up within about four hours), so a renewal in Key Vault is picked up without touching the service — provided the identity of the service can still read the secret. Uploaded certificates must be replaced by uploading a renewed one.',
      recommendation:
        'Store custom-domain certificates in Key Vault with automatic renewal, and reference them by an unversioned secret identifier through the managed identity of the service. Renew or re-upload any certificate that expires within the threshold.',
      howChecked:
        'Reads properties.hostnameConfigurations[*]. Entries without a certificate (certificate absent or null, e.g. the default *.azure-api.net host) are ignored. For each certificate, certificate.expiry is compared with the evaluation time plus minimumDaysRemaining days (default 30): an earlier expiry fails, and so does an absent or unparsable expiry. No certificates at all (no custom domains, or hostnameConfigurations null or empty) passes.',
      notApplicableWhen: 'properties.hostnameConfigurations is not in the exported data at all, so the certificates cannot be checked.',
      examples: [
        {
          title: 'Azure CLI (list host names and expiry dates)',
          language: 'bash',
          code: "az apim show -g <rg> -n <name> --query \"hostnameConfigurations[?certificate].{host:hostName, expiry:certificate.expiry, keyVault:keyVaultId}\" -o table",
        },
        {
          title: 'ARM template (Key Vault-backed certificate, unversioned secret id)',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.ApiManagement/service',
              apiVersion: '2024-05-01',
              identity: { type: 'SystemAssigned' },
              properties: {
                hostnameConfigurations: [
                  {
                    type: 'Proxy',
                    hostName: 'api.contoso.com',
                    certificateSource: 'KeyVault',
                    keyVaultId: 'https://contoso-kv.vault.azure.net/secrets/api-contoso-com',
                    defaultSslBinding: true,
                  },
                ],
              },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'A Key Vault-backed certificate that is close to expiry usually means the renewal in Key Vault failed, the secret identifier is pinned to a version, or the identity of the service lost access to the vault. Replacing hostnameConfigurations is a long-running update that rebinds the host names, and the array is replaced as a whole, so send every entry back. The threshold is the option minimumDaysRemaining (PSRule and azqr both use 30 days).',
      links: [
        { title: 'Configure a custom domain name for your Azure API Management instance', url: 'https://learn.microsoft.com/azure/api-management/configure-custom-domain' },
        { title: 'Configure certificate auto-rotation in Key Vault', url: 'https://learn.microsoft.com/azure/key-vault/certificates/tutorial-rotate-certificates' },
        { title: 'PSRule Azure.APIM.CertificateExpiry', url: 'https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.CertificateExpiry/' },
      ],
    },
  },
  options,
  evaluate(service, { now, options: { minimumDaysRemaining } }) {
    const configurations = readField(service.properties, 'hostnameConfigurations');
    if (configurations === undefined) {
      return notApplicable(() => `Service '${service.name}' has no properties.hostnameConfigurations in the exported data, so its custom-domain certificates cannot be checked.`);
    }
    const checks: CertificateCheck[] = [];
    if (Array.isArray(configurations)) {
      // Worked out for the first certificate only: most services have none.
      let deadline: Deadline | undefined;
      for (let index = 0; index < configurations.length; index += 1) {
        const entry: unknown = configurations[index];
        if (!isObject(entry)) continue;
        const certificate = readField(entry, 'certificate');
        if (isBlank(certificate)) continue;
        deadline ??= deadlineFrom(now, minimumDaysRemaining);
        checks.push(checkCertificate(entry, index, certificate, deadline));
      }
    }
    if (checks.length === 0) {
      return pass(() => `Service '${service.name}' has no custom-domain certificates to renew.`);
    }
    const failing = checks.filter((check) => !check.ok);
    if (failing.length > 0) {
      return fail(
        () => `Service '${service.name}' has ${failing.length === 1 ? 'a certificate' : `${failing.length} certificates`} that must be renewed: ${failing.map((check) => check.sentence).join(' ')}`,
        () => failing.map((check) => check.evidence),
      );
    }
    const earliest = checks.reduce((first, check) => ((check.expiresAt ?? Infinity) < (first.expiresAt ?? Infinity) ? check : first));
    return pass(
      () => `Service '${service.name}' has ${checks.length === 1 ? 'one custom-domain certificate' : `${checks.length} custom-domain certificates`}, valid for at least ${minimumDaysRemaining} more days; the earliest, for '${earliest.hostName}', expires on ${isoDate(earliest.expiresAt ?? 0)}.`,
      () => checks.map((check) => check.evidence),
    );
  },
});

/** The instant a certificate must outlive, and how evidence states it. */
interface Deadline {
  readonly now: number;
  readonly time: number;
  readonly days: number;
  readonly expected: string;
}

function deadlineFrom(now: Date, days: number): Deadline {
  const time = now.getTime() + days * DAY_MS;
  return { now: now.getTime(), time, days, expected: `not before ${isoTimestamp(time)} (now + ${days} days)` };
}

function checkCertificate(entry: Record<string, unknown>, index: number, certificate: unknown, deadline: Deadline): CertificateCheck {
  const hostNameValue = readField(entry, 'hostName');
  const hostName = typeof hostNameValue === 'string' && hostNameValue.trim() !== '' ? hostNameValue : `host name #${index + 1}`;
  const keyVaultId = readField(entry, 'keyVaultId');
  const fromKeyVault = typeof keyVaultId === 'string' && keyVaultId.trim() !== '';
  const path = `properties.hostnameConfigurations[${index}].certificate.expiry`;
  const { expected } = deadline;
  const source = fromKeyVault ? `Key Vault-backed: ${keyVaultId}` : 'uploaded certificate';

  const expiry = isObject(certificate) ? readField(certificate, 'expiry') : undefined;
  if (isBlank(expiry)) {
    return {
      hostName,
      ok: false,
      sentence: `The certificate for '${hostName}' has no expiry date, so its validity cannot be shown.`,
      evidence: evidence(path, expiry ?? undefined, expected, `absent — ${source}`),
      expiresAt: undefined,
    };
  }
  const expiresAt = typeof expiry === 'string' ? Date.parse(expiry) : Number.NaN;
  if (Number.isNaN(expiresAt)) {
    return {
      hostName,
      ok: false,
      sentence: `The certificate for '${hostName}' has an expiry date that cannot be read (${JSON.stringify(expiry)}), so its validity cannot be shown.`,
      evidence: evidence(path, expiry, expected, `not a date — ${source}`),
      expiresAt: undefined,
    };
  }
  const left = expiresAt - deadline.now;
  if (expiresAt >= deadline.time) {
    return { hostName, ok: true, sentence: '', evidence: evidence(path, expiry, expected, `${count(Math.floor(left / DAY_MS), 'day')} left — ${source}`), expiresAt };
  }
  const daysLeft = Math.floor(left / DAY_MS);
  const when =
    left < 0
      ? `expired ${ago(Math.floor(-left / DAY_MS))}, on ${isoDate(expiresAt)}`
      : `expires on ${isoDate(expiresAt)}, ${daysLeft === 0 ? 'in less than a day' : `in ${count(daysLeft, 'day')}`} (fewer than the ${deadline.days} required)`;
  const renewal = fromKeyVault
    ? `It is Key Vault-backed (${keyVaultId}), so API Management picks up a certificate renewed in Key Vault automatically; check the renewal and the access of the service identity to the vault.`
    : 'It was uploaded to the service, so a renewed certificate must be uploaded.';
  return {
    hostName,
    ok: false,
    sentence: `The certificate for '${hostName}' ${when}. ${renewal}`,
    evidence: evidence(path, expiry, expected, `${left < 0 ? 'expired' : 'expires soon'} — ${source}`),
    expiresAt,
  };
}

/*
 * `toISOString()`, and its yyyy-mm-dd part, formatted from the date's UTC fields: the rule formats
 * dates for most services, and toISOString is several times slower. Years outside 0–9999 (which
 * toISOString writes with a sign and six digits) are left to toISOString.
 */

function isoTimestamp(time: number): string {
  const date = new Date(time);
  const year = date.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) return date.toISOString();
  const clock = `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}.${pad(date.getUTCMilliseconds(), 3)}`;
  return `${pad(year, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}T${clock}Z`;
}

function isoDate(time: number): string {
  const date = new Date(time);
  const year = date.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) return date.toISOString().slice(0, 10);
  return `${pad(year, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function ago(n: number): string {
  return n === 0 ? 'less than a day ago' : `${count(n, 'day')} ago`;
}
