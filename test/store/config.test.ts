import { describe, expect, it } from 'vitest';
import { storeConfigFromEnv } from '../../src/store/config.js';
import { redactSecrets, StoreConfigError } from '../../src/store/errors.js';

const KEY = 'c2VjcmV0LWtleS1ub3QtZm9yLWxvZ3M=';

function failure(env: Record<string, string>): string {
  try {
    storeConfigFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(StoreConfigError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a configuration error');
}

describe('store configuration from the environment', () => {
  it('defaults to files under .apim-posture/data', () => {
    expect(storeConfigFromEnv({})).toEqual({ kind: 'file', directory: '.apim-posture/data' });
    expect(storeConfigFromEnv({ APIM_POSTURE_DATA: '/var/lib/apim', APIM_POSTURE_STORAGE_ACCOUNT: '' })).toEqual({ kind: 'file', directory: '/var/lib/apim' });
  });

  it('derives endpoints from an account name, or takes both URLs', () => {
    expect(storeConfigFromEnv({ APIM_POSTURE_STORAGE_ACCOUNT: 'apimposture01' })).toEqual({
      kind: 'azure',
      prefix: 'apimposture',
      tableUrl: 'https://apimposture01.table.core.windows.net',
      blobUrl: 'https://apimposture01.blob.core.windows.net',
    });
    expect(
      storeConfigFromEnv({
        APIM_POSTURE_STORAGE_TABLE_URL: 'https://acct.table.core.usgovcloudapi.net/',
        APIM_POSTURE_STORAGE_BLOB_URL: 'https://acct.blob.core.usgovcloudapi.net',
        APIM_POSTURE_STORAGE_PREFIX: 'posture2',
      }),
    ).toEqual({ kind: 'azure', prefix: 'posture2', tableUrl: 'https://acct.table.core.usgovcloudapi.net', blobUrl: 'https://acct.blob.core.usgovcloudapi.net' });
  });

  it('fails fast on a production store without an account', () => {
    expect(failure({ APIM_POSTURE_STORE: 'azure' })).toMatch(/^APIM_POSTURE_STORE=azure needs APIM_POSTURE_STORAGE_ACCOUNT/);
    expect(failure({ APIM_POSTURE_STORE: 'cosmos' })).toMatch(/must be file or azure/);
    expect(failure({ APIM_POSTURE_STORE: 'file', APIM_POSTURE_STORAGE_ACCOUNT: 'acct123' })).toMatch(/APIM_POSTURE_STORE=file, but/);
    expect(failure({ APIM_POSTURE_STORAGE_ACCOUNT: 'acct123', APIM_POSTURE_STORAGE_TABLE_URL: 'https://a.table.core.windows.net' })).toMatch(/set one of/);
    expect(failure({ APIM_POSTURE_STORAGE_TABLE_URL: 'https://a.table.core.windows.net' })).toMatch(/set both/);
    expect(failure({ APIM_POSTURE_STORAGE_ACCOUNT: 'Bad_Name' })).toMatch(/storage account name/);
    expect(failure({ APIM_POSTURE_STORAGE_ACCOUNT: 'acct123', APIM_POSTURE_STORAGE_PREFIX: 'Has-Dash' })).toMatch(/PREFIX must be/);
  });

  it('refuses plain http and URLs that carry a SAS token, without repeating it', () => {
    const both = (table: string) => ({ APIM_POSTURE_STORAGE_TABLE_URL: table, APIM_POSTURE_STORAGE_BLOB_URL: 'https://a.blob.core.windows.net' });
    expect(failure(both('http://a.table.core.windows.net'))).toMatch(/must be an https URL/);
    const sas = failure(both(`https://a.table.core.windows.net/?sv=2024&sig=${KEY}`));
    expect(sas).toMatch(/must not carry a query/);
    expect(sas).not.toContain(KEY);
    expect(failure(both('not a url'))).toMatch(/must be a URL/);
  });

  it('admits a connection string only for an emulator on loopback, never echoing it', () => {
    const local = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${KEY};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;TableEndpoint=http://localhost:10002/devstoreaccount1;`;
    expect(storeConfigFromEnv({ APIM_POSTURE_STORAGE_CONNECTION_STRING: local })).toEqual({
      kind: 'azure',
      prefix: 'apimposture',
      connectionString: local,
      tableUrl: 'http://localhost:10002/devstoreaccount1',
      blobUrl: 'http://127.0.0.1:10000/devstoreaccount1',
    });
    for (const remote of [
      `DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=${KEY};EndpointSuffix=core.windows.net`,
      `AccountName=prod;AccountKey=${KEY};BlobEndpoint=http://127.0.0.1:10000/a;TableEndpoint=https://prod.table.core.windows.net`,
      `AccountKey=${KEY};BlobEndpoint=http://127.0.0.1.evil.example:10000/a;TableEndpoint=http://127.0.0.1:10002/a`,
    ]) {
      const message = failure({ APIM_POSTURE_STORAGE_CONNECTION_STRING: remote });
      expect(message).toMatch(/only for a local emulator/);
      expect(message).not.toContain(KEY);
    }
  });

  it('redacts keys, signatures and tokens from library messages', () => {
    expect(redactSecrets(`bad AccountKey=${KEY}; url https://a/?sv=1&sig=${KEY}&se=2026 Bearer eyJhbGciOi.x.y`)).toBe(
      'bad AccountKey=[redacted]; url https://a/?sv=[redacted]&sig=[redacted]&se=[redacted] Bearer [redacted]',
    );
  });
});
