import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { createCredential, credentialName } from '../../src/azure/credentials.js';
import { SANDBOX_TOKEN } from '../../src/azure/sandbox-credential.js';
import { ARM_ENDPOINT, azureTarget, normalizeEndpoint, sandboxTarget } from '../../src/azure/target.js';

describe('createCredential', () => {
  it('builds the credential each configuration names', () => {
    expect(createCredential({ kind: 'default' })).toBeInstanceOf(DefaultAzureCredential);
    expect(createCredential({ kind: 'managedIdentity' })).toBeInstanceOf(ManagedIdentityCredential);
    expect(createCredential({ kind: 'managedIdentity', clientId: '11111111-1111-1111-1111-111111111111' })).toBeInstanceOf(ManagedIdentityCredential);
  });

  it('gives the sandbox a fixed token without any network', async () => {
    const token = await createCredential({ kind: 'sandbox' }).getToken('https://management.azure.com/.default');
    expect(token?.token).toBe(SANDBOX_TOKEN);
    expect(token?.expiresOnTimestamp).toBeGreaterThan(Date.now());
  });

  it('names credentials for labels', () => {
    expect(credentialName({ kind: 'default' })).toBe('DefaultAzureCredential');
    expect(credentialName({ kind: 'managedIdentity', clientId: 'abc' })).toBe('ManagedIdentityCredential, client id abc');
    expect(credentialName({ kind: 'sandbox' })).toBe('sandbox token');
  });
});

describe('targets', () => {
  it('labels Azure by its credential, and another endpoint by its URL', () => {
    const credential = createCredential({ kind: 'sandbox' });
    expect(azureTarget({ credential, credentialName: 'DefaultAzureCredential' })).toMatchObject({
      kind: 'azure',
      endpoint: ARM_ENDPOINT,
      label: 'Azure (DefaultAzureCredential)',
    });
    expect(azureTarget({ credential, credentialName: 'sandbox token', endpoint: 'https://127.0.0.1:9000/' }).label).toBe(
      'ARM at https://127.0.0.1:9000 (sandbox token)',
    );
  });

  it('labels the sandbox by its URL and carries its certificate', () => {
    expect(sandboxTarget({ endpoint: 'https://127.0.0.1:1234', ca: 'PEM' })).toMatchObject({
      kind: 'sandbox',
      endpoint: 'https://127.0.0.1:1234',
      ca: 'PEM',
      label: 'sandbox at https://127.0.0.1:1234',
    });
  });

  it('accepts only https endpoints, without a trailing slash', () => {
    expect(normalizeEndpoint('https://management.azure.com/')).toBe('https://management.azure.com');
    expect(() => normalizeEndpoint('http://127.0.0.1:1234')).toThrow('Expected `endpoint` to be an https URL, got "http://127.0.0.1:1234"');
    expect(() => normalizeEndpoint('management.azure.com')).toThrow('Expected `endpoint` to be an https URL');
    expect(() => normalizeEndpoint('https://h/?x=1')).toThrow('Expected `endpoint` without a query or fragment');
  });
});
