import { describe, expect, it } from 'vitest';
import { isAllowedServiceUrl, isLoopbackHost } from '../../src/bot/activity-shape.js';

/** Pure checks of where replies may go; no request is sent anywhere. */
describe('isAllowedServiceUrl', () => {
  const teams = { anonymous: false };
  const local = { anonymous: true };
  it.each([
    ['https://smba.trafficmanager.net/emea/', teams, true],
    ['https://smba.infra.gcc.teams.microsoft.com/', teams, true],
    ['https://smba.infra.gov.teams.microsoft.us/', teams, true],
    ['https://webchat.botframework.com/', teams, true],
    ['http://smba.trafficmanager.net/emea/', teams, false],
    ['https://smba.trafficmanager.net.evil.example/', teams, false],
    ['https://evilsmba.trafficmanager.net/', teams, false],
    ['https://notbotframework.com/', teams, false],
    ['https://user:pw@smba.trafficmanager.net/emea/', teams, false],
    ['http://127.0.0.1:56000/', teams, false],
    ['https://169.254.169.254/', teams, false],
    ['not a url', teams, false],
    ['http://127.0.0.1:56000/', local, true],
    ['http://localhost:56000/', local, true],
    ['http://[::1]:56000/', local, true],
    ['https://smba.trafficmanager.net/emea/', local, false],
    ['http://10.0.0.5/', local, false],
    ['file:///etc/passwd', local, false],
  ] as const)('%s (anonymous: %s) → %s', (url, mode, allowed) => {
    expect(isAllowedServiceUrl(url, mode)).toBe(allowed);
  });

  it('adds only exactly named extra hosts', () => {
    expect(isAllowedServiceUrl('http://127.0.0.1:1/', { anonymous: false, extraHosts: ['127.0.0.1'] })).toBe(true);
    expect(isAllowedServiceUrl('http://127.0.0.2:1/', { anonymous: false, extraHosts: ['127.0.0.1'] })).toBe(false);
  });

  it('knows loopback hosts', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '[::1]'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', '::', 'example.com', '127.0.0.1.example.com'].some(isLoopbackHost)).toBe(false);
  });
});
