import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { isRecord } from './http.js';
import { guid } from './shapes.js';

/**
 * Who made a write, as Azure Resource Graph's change history names it (`changedBy`,
 * `changedByType`, `clientType` in `properties.changeAttributes`, Learn "Get resource changes").
 * The sandbox reads it from the bearer token it was sent: a JWT-shaped token is decoded without
 * checking its signature (the sandbox trusts any token) and its `upn` / `unique_name` /
 * `preferred_username`, else `appid` / `oid`, names the caller. An opaque token such as the CLI's
 * sandbox token names nobody, so the caller is a GUID derived from the token, as Azure names a
 * principal without a sign-in name by an id.
 *
 * Clients are recognised the way Learn describes ("by the user agent and client application ID"):
 * the token's `appid` (or `azp`) of the portal, Azure CLI or Azure PowerShell, else the User-Agent
 * of the two command-line tools; anything else is "Unknown", as Azure shows for unrecognised
 * clients (the SDKs' own user agents included).
 */

export interface Caller {
  readonly changedBy: string;
  /** "User" for a signed-in person; "AppId" for an application (that second value is unverified). */
  readonly changedByType: 'User' | 'AppId';
  readonly clientType: string;
}

/** First-party client application ids (well known; used in every Entra sign-in log). */
export const CLIENT_APPS = {
  portal: { appId: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', clientType: 'Azure Portal' },
  cli: { appId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', clientType: 'Azure CLI' },
  powershell: { appId: '1950a258-227b-4e31-a9cf-717495945fc2', clientType: 'Azure PowerShell' },
} as const;

export type ClientApp = keyof typeof CLIENT_APPS;

const MAX_CLAIM_LENGTH = 256;
const MAX_TOKEN_LENGTH = 16 * 1024;

export function callerOf(token: string, headers: Readonly<Record<string, string | undefined>>): Caller {
  const claims = tokenClaims(token);
  const person = claim(claims, 'upn') ?? claim(claims, 'unique_name') ?? claim(claims, 'preferred_username');
  const appId = claim(claims, 'appid') ?? claim(claims, 'azp');
  const changedBy = person ?? appId ?? claim(claims, 'oid') ?? guid(`sandbox-caller#${token}`);
  return { changedBy, changedByType: person === undefined ? 'AppId' : 'User', clientType: clientTypeOf(appId, headers['user-agent']) };
}

function clientTypeOf(appId: string | undefined, userAgent: string | undefined): string {
  const known = Object.values(CLIENT_APPS).find((app) => app.appId === appId?.toLowerCase());
  if (known !== undefined) return known.clientType;
  if (userAgent !== undefined && /\bAZURECLI\b/i.test(userAgent)) return CLIENT_APPS.cli.clientType;
  if (userAgent !== undefined && /\bAzurePowershell\b/i.test(userAgent)) return CLIENT_APPS.powershell.clientType;
  return 'Unknown';
}

/** The payload of a JWT-shaped token, or an empty object: never throws on what a client sent. */
function tokenClaims(token: string): Record<string, unknown> {
  const parts = token.length > MAX_TOKEN_LENGTH ? [] : token.split('.');
  if (parts.length !== 3 || parts[1] === undefined) return {};
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return isRecord(payload) ? payload : {};
  } catch {
    return {};
  }
}

/** A claim fit to show: a non-empty string without control characters, at most 256 characters. */
function claim(claims: Record<string, unknown>, name: string): string | undefined {
  const value = claims[name];
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  return text === '' || text.length > MAX_CLAIM_LENGTH || /[\u0000-\u001f\u007f]/.test(text) ? undefined : text;
}

// ── acting as someone: the scripted "someone changed it in the portal" ────────────────────────

export interface SandboxUser {
  /** Sign-in name, e.g. `alice@contoso.example`. */
  readonly upn: string;
  /** The client the user works in; default the portal. */
  readonly client?: ClientApp;
}

/**
 * An unsigned JWT naming a user and the client application they signed in with. Only the sandbox
 * accepts it (it checks no signature); Azure would refuse it.
 */
export function sandboxUserToken(user: SandboxUser): string {
  const app = CLIENT_APPS[user.client ?? 'portal'];
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ upn: user.upn, name: user.upn.split('@')[0] ?? user.upn, appid: app.appId, oid: guid(`user#${user.upn}`) })}.`;
}

/** A credential for the real SDK clients that makes every write look like `user`'s, from their client. */
export function sandboxUserCredential(user: SandboxUser): TokenCredential {
  const token = sandboxUserToken(user);
  return {
    getToken: (): Promise<AccessToken> => Promise.resolve({ token, expiresOnTimestamp: Date.now() + 60 * 60 * 1000, tokenType: 'Bearer' }),
  };
}
