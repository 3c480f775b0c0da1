import { describe, expect, it } from 'vitest';
import { connectTarget, TargetEndpointError } from '../../src/azure/connect.js';
import { isAzureArmEndpoint } from '../../src/azure/endpoints.js';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/engine/audit-config.js';
import { runCliBinary } from '../support/cli.js';

/**
 * A real credential's ARM token goes only to an Azure cloud's ARM host. Nothing here sends a
 * request: configuration and target construction refuse before any client exists, and the
 * "foreign" hosts are loopback literals.
 */
describe('ARM endpoint allow-list', () => {
  it.each([
    ['https://management.azure.com', true],
    ['https://management.azure.com/', true],
    ['https://MANAGEMENT.usgovcloudapi.net', true],
    ['https://management.chinacloudapi.cn', true],
    ['http://management.azure.com', false],
    ['https://management.azure.com:8443', false],
    ['https://user:pw@management.azure.com', false],
    ['https://management.azure.com.127.0.0.1.example', false],
    ['https://127.0.0.1:4443', false],
    ['not a url', false],
  ] as const)('%s → %s', (endpoint, allowed) => {
    expect(isAzureArmEndpoint(endpoint)).toBe(allowed);
  });

  it('refuses configuration that aims a real credential at another host', async () => {
    for (const credential of ['default', 'managedIdentity']) {
      await expect(loadConfig(undefined, { APIM_POSTURE_ARM_ENDPOINT: 'https://127.0.0.1:4443', APIM_POSTURE_CREDENTIAL: credential })).rejects.toThrow(ConfigError);
    }
    // The sandbox token may go anywhere (it is what `apim-posture sandbox` prints), and Azure clouds are fine.
    await expect(loadConfig(undefined, { APIM_POSTURE_ARM_ENDPOINT: 'https://127.0.0.1:4443', APIM_POSTURE_CREDENTIAL: 'sandbox' })).resolves.toBeDefined();
    await expect(loadConfig(undefined, { APIM_POSTURE_ARM_ENDPOINT: 'https://management.usgovcloudapi.net' })).resolves.toBeDefined();
  });

  it('refuses to build a target for it even when the configuration was not read from a file', async () => {
    await expect(connectTarget({ kind: 'azure', endpoint: 'https://127.0.0.1:4443', credential: 'default' })).rejects.toThrow(TargetEndpointError);
  });

  it('the CLI says so in one line and exits 2', () => {
    const run = runCliBinary(['audit', '--env', 'prod'], { env: { APIM_POSTURE_ARM_ENDPOINT: 'https://127.0.0.1:4443', APIM_POSTURE_CREDENTIAL: 'default' } });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('is not an Azure cloud');
  });
});
