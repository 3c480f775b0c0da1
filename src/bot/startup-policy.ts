import { isLoopbackHost } from './activity-shape.js';
import type { BotSettings } from './app.js';

/** A bot configuration that must not start; the message is one line for the operator. */
export class UnsafeStartError extends Error {
  override readonly name = 'UnsafeStartError';
}

/**
 * Anonymous mode (no app id) answers anyone who can reach the port, without a token, so it is
 * only for a developer's machine: a loopback host and the sandbox. A password or tenant id without
 * an app id is a half-done configuration that would otherwise fall back to anonymous mode.
 */
export function checkStartupPolicy(settings: BotSettings, host: string, targetKind: 'azure' | 'sandbox'): void {
  if (settings.appId !== '') return;
  if (settings.appPassword !== undefined && settings.appPassword !== '') {
    throw new UnsafeStartError('MicrosoftAppPassword is set but MicrosoftAppId is not; set both, or neither for local anonymous mode');
  }
  if (settings.tenantId !== undefined && settings.tenantId !== '') {
    throw new UnsafeStartError('MicrosoftAppTenantId is set but MicrosoftAppId is not; set both, or neither for local anonymous mode');
  }
  if (!isLoopbackHost(host)) {
    throw new UnsafeStartError(`without MicrosoftAppId the bot runs unauthenticated and only listens on a loopback host, not on "${host}"; set MicrosoftAppId or HOST=127.0.0.1`);
  }
  if (targetKind !== 'sandbox') {
    throw new UnsafeStartError('without MicrosoftAppId the bot runs unauthenticated and only audits the sandbox; set MicrosoftAppId to audit Azure from Teams');
  }
}
