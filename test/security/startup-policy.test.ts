import { describe, expect, it } from 'vitest';
import { checkStartupPolicy, UnsafeStartError } from '../../src/bot/startup-policy.js';

const anonymous = { appId: '', appType: 'MultiTenant' } as const;

describe('bot startup policy', () => {
  it('starts anonymous mode on a loopback host with the sandbox', () => {
    for (const host of ['127.0.0.1', 'localhost', '[::1]']) expect(() => { checkStartupPolicy(anonymous, host, 'sandbox'); }).not.toThrow();
  });

  it.each([
    ['0.0.0.0', 'sandbox', /only listens on a loopback host/],
    ['10.1.2.3', 'sandbox', /only listens on a loopback host/],
    ['127.0.0.1', 'azure', /only audits the sandbox/],
  ] as const)('refuses anonymous mode on %s with the %s target', (host, target, message) => {
    expect(() => { checkStartupPolicy(anonymous, host, target); }).toThrow(UnsafeStartError);
    expect(() => { checkStartupPolicy(anonymous, host, target); }).toThrow(message);
  });

  it('refuses a password or tenant id without an app id', () => {
    expect(() => { checkStartupPolicy({ ...anonymous, appPassword: 'generated-at-test-time' }, '127.0.0.1', 'sandbox'); }).toThrow(/MicrosoftAppPassword is set but MicrosoftAppId is not/);
    expect(() => { checkStartupPolicy({ ...anonymous, tenantId: 'tenant-1' }, '127.0.0.1', 'sandbox'); }).toThrow(/MicrosoftAppTenantId is set but MicrosoftAppId is not/);
  });

  it('lets an authenticated bot listen anywhere and audit Azure', () => {
    expect(() => { checkStartupPolicy({ appId: 'app', appType: 'SingleTenant', tenantId: 't' }, '0.0.0.0', 'azure'); }).not.toThrow();
  });
});
