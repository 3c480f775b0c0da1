import type { AccessToken, TokenCredential } from '@azure/core-auth';

/** The opaque bearer token the sandbox accepts. It is not a secret: it unlocks only the local emulator. */
export const SANDBOX_TOKEN = 'apim-posture-sandbox-token';

const TOKEN_LIFETIME_IN_MS = 60 * 60 * 1000;

/**
 * A credential for the local sandbox: it hands out {@link SANDBOX_TOKEN} without any network call
 * or secret. The SDK's bearer-token policy still runs unchanged, so the sandbox exercises the same
 * pipeline as Azure. The expiry is renewed on every call so the policy never tries to refresh early.
 */
export function sandboxCredential(): TokenCredential {
  return {
    getToken: (): Promise<AccessToken> =>
      Promise.resolve({ token: SANDBOX_TOKEN, expiresOnTimestamp: Date.now() + TOKEN_LIFETIME_IN_MS, tokenType: 'Bearer' }),
  };
}
