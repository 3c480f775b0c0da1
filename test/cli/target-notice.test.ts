import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectTarget } from '../../src/azure/connect.js';
import { azureCredentialSigns } from '../../src/azure/credential-signs.js';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { SANDBOX_BANNER, targetNotices } from '../../src/cli/target-notice.js';
import { loadConfig } from '../../src/config.js';
import { REPO_ROOT, scratchDir, writeJson } from '../support/cli.js';

/** A home directory of our own, so the developer's real ~/.azure is never read. */
function home(files: readonly string[] = []): string {
  const dir = scratchDir();
  for (const file of files) {
    mkdirSync(join(dir, '.azure'), { recursive: true });
    writeFileSync(join(dir, '.azure', file), '{}');
  }
  return dir;
}

describe('azureCredentialSigns', () => {
  it('finds nothing in an empty home without Azure variables', () => {
    expect(azureCredentialSigns({ HOME: home() })).toEqual([]);
  });

  it("names the Azure CLI's profile and token cache under ~/.azure", () => {
    expect(azureCredentialSigns({ HOME: home(['azureProfile.json', 'msal_token_cache.json', 'config']) })).toEqual([
      '~/.azure/azureProfile.json',
      '~/.azure/msal_token_cache.json',
    ]);
    expect(azureCredentialSigns({ HOME: home(['msal_token_cache.bin']) })).toEqual(['~/.azure/msal_token_cache.bin']);
  });

  it('looks in AZURE_CONFIG_DIR instead of ~/.azure, as the Azure CLI does', () => {
    const elsewhere = scratchDir();
    writeFileSync(join(elsewhere, 'azureProfile.json'), '{}');
    expect(azureCredentialSigns({ HOME: home(['azureProfile.json']), AZURE_CONFIG_DIR: elsewhere })).toEqual([join(elsewhere, 'azureProfile.json')]);
  });

  it('names the variables set, never their values, and ignores empty ones', () => {
    const signs = azureCredentialSigns({
      HOME: home(),
      AZURE_CLIENT_ID: '00000000-1111-2222-3333-444444444444',
      AZURE_TENANT_ID: '',
      AZURE_SUBSCRIPTION_ID: 'sub',
      IDENTITY_ENDPOINT: 'http://169.254.1.1/msi',
      MSI_ENDPOINT: 'http://msi',
    });
    expect(signs).toEqual(['AZURE_CLIENT_ID', 'AZURE_SUBSCRIPTION_ID', 'IDENTITY_ENDPOINT', 'MSI_ENDPOINT']);
    expect(signs.join(' ')).not.toContain('0000');
  });
});

describe('targetNotices', () => {
  const signs = ['~/.azure/azureProfile.json'];

  it('says nothing for an Azure target', async () => {
    const config = await loadConfig(undefined, { APIM_POSTURE_TARGET: 'azure' });
    expect(targetNotices(config.target, signs)).toEqual([]);
  });

  it('puts the sandbox banner first, and adds how to use the credentials when nothing chose the sandbox', async () => {
    const config = await loadConfig(undefined, {});
    expect(config.target).toEqual({ kind: 'sandbox', byDefault: true });
    expect(targetNotices(config.target, [])).toEqual([SANDBOX_BANNER]);
    const notices = targetNotices(config.target, signs);
    expect(notices[0]).toBe(SANDBOX_BANNER);
    expect(notices[1]).toBe(
      'Azure credentials found on this machine (~/.azure/azureProfile.json), but no Azure target is configured: run with APIM_POSTURE_TARGET=azure (or "azure": { "target": "azure" } in the --config file) to audit your Azure estate with them.',
    );
    expect(notices).toHaveLength(2);
  });

  it('keeps the banner but not the hint when the sandbox was chosen, by variable or by file', async () => {
    const byVariable = await loadConfig(undefined, { APIM_POSTURE_TARGET: 'sandbox' });
    expect(byVariable.target).toEqual({ kind: 'sandbox', byDefault: false });
    expect(targetNotices(byVariable.target, signs)).toEqual([SANDBOX_BANNER]);
    const file = writeJson(scratchDir(), 'config.json', { azure: { target: 'sandbox' } });
    const byFile = await loadConfig(file, {});
    expect(byFile.target).toEqual({ kind: 'sandbox', byDefault: false });
    expect(targetNotices(byFile.target, signs)).toEqual([SANDBOX_BANNER]);
  });

  it('shows the banner for a sandbox started elsewhere (the sandbox token), and reports name it a sandbox', async () => {
    const config = await loadConfig(undefined, { APIM_POSTURE_ARM_ENDPOINT: 'https://127.0.0.1:4443', APIM_POSTURE_CREDENTIAL: 'sandbox' });
    expect(targetNotices(config.target, signs)).toEqual([SANDBOX_BANNER]);
    // Connecting to Azure-kind targets contacts nothing; only the kind is looked at here.
    expect((await connectTarget(config.target)).target.kind).toBe('sandbox');
    const azure = await loadConfig(undefined, { APIM_POSTURE_TARGET: 'azure' });
    expect((await connectTarget(azure.target)).target.kind).toBe('azure');
  });

  it('points at a README section that exists', () => {
    expect(SANDBOX_BANNER).toContain('README, "Auditing live Azure (or the sandbox)"');
    expect(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')).toMatch(/^## Auditing live Azure \(or the sandbox\)$/m);
  });
});

describe('the banner on a terminal', () => {
  async function firstStderrLine(args: readonly string[], env: Record<string, string>): Promise<string> {
    const stderr: string[] = [];
    const io: CliIo = { stdout: () => undefined, stderr: (text) => stderr.push(text), stdoutIsTty: false, stderrIsTty: true, env: { HOME: home(), ...env }, now: () => new Date() };
    expect(await runCli(['audit', '--service', 'apim-payments-legacy', '--fail-on', 'none', ...args], io, '0.0.0-test')).toBe(0);
    return stderr[0] ?? '';
  }

  it('is black on yellow, unless --no-color or NO_COLOR says otherwise', async () => {
    expect(await firstStderrLine([], {})).toBe(`apim-posture: \u001b[1;30;43m${SANDBOX_BANNER}\u001b[0m\n`);
    expect(await firstStderrLine(['--no-color'], {})).toBe(`apim-posture: ${SANDBOX_BANNER}\n`);
    expect(await firstStderrLine([], { NO_COLOR: '1' })).toBe(`apim-posture: ${SANDBOX_BANNER}\n`);
  }, 60_000);
});
