/**
 * ARM endpoints of the Azure clouds; Resource Graph is served from the same hosts. A real
 * credential's token is only ever sent to one of these: a configuration file or environment
 * variable that names another host would otherwise hand an ARM token to whoever runs it.
 */
export const AZURE_ARM_HOSTS: ReadonlyMap<string, string> = new Map([
  ['management.azure.com', 'Azure public cloud'],
  ['management.usgovcloudapi.net', 'Azure US Government'],
  ['management.chinacloudapi.cn', 'Azure operated by 21Vianet (China)'],
]);

/** Whether `endpoint` is the https ARM endpoint of an Azure cloud (default port, no user info). */
export function isAzureArmEndpoint(endpoint: string): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  return url.protocol === 'https:' && url.port === '' && url.username === '' && url.password === '' && AZURE_ARM_HOSTS.has(url.hostname.toLowerCase());
}

/** The one-line refusal for a real credential aimed at another host. */
export function notAzureEndpointMessage(endpoint: string): string {
  return `the ARM endpoint ${endpoint} is not an Azure cloud (${[...AZURE_ARM_HOSTS.keys()].join(', ')}); a real credential is only sent to those. To use a sandbox started with \`apim-posture sandbox\`, set APIM_POSTURE_CREDENTIAL=sandbox`;
}
