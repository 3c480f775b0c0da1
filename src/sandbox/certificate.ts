import { generate } from 'selfsigned';

/**
 * A throw-away TLS certificate for 127.0.0.1 and localhost, made at every start. The SDKs'
 * bearer-token policy refuses plain http, so the sandbox must speak https; callers trust this
 * certificate explicitly (`tlsOptions: { ca }` in process, `NODE_EXTRA_CA_CERTS` for a child
 * process) instead of turning verification off.
 */

export interface SandboxCertificate {
  /** PEM private key (EC P-256). */
  readonly key: string;
  /** PEM certificate; it is its own CA, so this is also what callers trust. */
  readonly cert: string;
}

const VALIDITY_MS = 7 * 24 * 60 * 60 * 1000;

export async function createCertificate(now: Date = new Date()): Promise<SandboxCertificate> {
  const pems = await generate([{ name: 'commonName', value: 'APIM posture sandbox' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    // A minute of slack for clocks that disagree slightly (containers, VMs).
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + VALIDITY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      // The SAN must name the IP: clients connect to https://127.0.0.1:port.
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
