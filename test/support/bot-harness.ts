import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceClientCredentialsFactory } from 'botframework-connector';

/**
 * Local stand-ins for the two Microsoft services a Teams bot talks to, generated at test time:
 * a key server that publishes a freshly made RSA key (so tests sign real Bot Framework tokens),
 * and a fake connector that records what the bot sends at `serviceUrl`.
 */

import { pino, type Logger } from 'pino';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';

export const BOT_APP_ID = '5f7e2c1a-8b34-4d6e-9f01-23456789abcd';
export const TOKEN_ISSUER = 'https://api.botframework.com';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => {
      resolve();
    });
  });
}

export interface KeyServer {
  readonly openIdMetadataUrl: string;
  sign(claims: Record<string, unknown>, options?: { key?: KeyObject; kid?: string }): string;
  /** A token the bot must accept for this service URL. */
  validToken(serviceUrl: string): string;
  /** A key the server does not publish, for forged tokens. */
  readonly foreignKey: KeyObject;
  close(): Promise<void>;
}

export async function startKeyServer(): Promise<KeyServer> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const foreignKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const kid = randomUUID();
  let base = '';
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openidconfiguration') {
      res.end(JSON.stringify({ issuer: TOKEN_ISSUER, jwks_uri: `${base}/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
    } else if (req.url === '/keys') {
      res.end(JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256', endorsements: ['msteams'] }] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  base = await listen(server);
  const sign: KeyServer['sign'] = (claims, options = {}) => {
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: options.kid ?? kid })).toString('base64url');
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(options.key ?? privateKey).toString('base64url');
    return `${header}.${payload}.${signature}`;
  };
  const now = () => Math.floor(Date.now() / 1000);
  return {
    openIdMetadataUrl: `${base}/.well-known/openidconfiguration`,
    sign,
    validToken: (serviceUrl) => sign({ iss: TOKEN_ISSUER, aud: BOT_APP_ID, serviceurl: serviceUrl, nbf: now() - 60, iat: now() - 60, exp: now() + 600 }),
    foreignKey,
    close: () => close(server),
  };
}

export interface ConnectorCall {
  readonly method: string;
  readonly conversationId: string;
  /** The activity id in the path: replied-to for POST, updated for PUT. */
  readonly activityId: string | undefined;
  readonly body: Record<string, unknown>;
  readonly authorization: string | undefined;
  /** The id the connector gave the activity (POST) or the one updated (PUT). */
  readonly id: string;
}

export interface FakeConnector {
  readonly serviceUrl: string;
  readonly calls: ConnectorCall[];
  /** Resolves when a call matching the predicate has arrived (or rejects after the timeout). */
  waitFor(predicate: (call: ConnectorCall) => boolean, timeoutInMs?: number): Promise<ConnectorCall>;
  /**
   * Records matching calls at once but answers them only when the returned function is called:
   * the bot's send or update is then in flight (e.g. an audit cannot finish) for as long as needed.
   */
  hold(predicate: (call: ConnectorCall) => boolean): () => void;
  close(): Promise<void>;
}

export async function startFakeConnector(): Promise<FakeConnector> {
  const calls: ConnectorCall[] = [];
  const waiters: { predicate: (call: ConnectorCall) => boolean; resolve: (call: ConnectorCall) => void }[] = [];
  const holds: { predicate: (call: ConnectorCall) => boolean; released: Promise<void> }[] = [];
  let next = 1;
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      if (match === null) {
        res.statusCode = 404;
        res.end('{}');
        return;
      }
      const activityId = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
      const id = req.method === 'PUT' && activityId !== undefined ? activityId : `activity-${next++}`;
      const call: ConnectorCall = {
        method: req.method ?? 'GET',
        conversationId: decodeURIComponent(match[1] ?? ''),
        activityId,
        body,
        authorization: req.headers.authorization,
        id,
      };
      calls.push(call);
      for (const waiter of waiters.filter((w) => w.predicate(call))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(call);
      }
      const held = holds.filter((h) => h.predicate(call)).map((h) => h.released);
      void Promise.all(held).then(() => res.end(JSON.stringify({ id })));
    });
  });
  const serviceUrl = await listen(server);
  return {
    serviceUrl,
    calls,
    waitFor(predicate, timeoutInMs = 20_000) {
      const found = calls.find(predicate);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise<ConnectorCall>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`no connector call matched within ${timeoutInMs} ms; got ${calls.map((c) => `${c.method} ${c.conversationId}`).join(', ')}`));
        }, timeoutInMs);
        waiters.push({
          predicate,
          resolve: (call) => {
            clearTimeout(timer);
            resolve(call);
          },
        });
      });
    },
    hold(predicate) {
      let release = (): void => undefined;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const hold = { predicate, released };
      holds.push(hold);
      return () => {
        holds.splice(holds.indexOf(hold), 1);
        release();
      };
    },
    close: () => close(server),
  };
}

/** Outbound credentials that never call Microsoft Entra: the connector sees a fixed test bearer. */
export function testCredentialsFactory(): ServiceClientCredentialsFactory {
  return {
    isValidAppId: (appId: string) => Promise.resolve(appId === BOT_APP_ID),
    isAuthenticationDisabled: () => Promise.resolve(false),
    createCredentials: () =>
      Promise.resolve({
        signRequest: (request: { headers: { set(name: string, value: string): void } }) => {
          request.headers.set('authorization', 'Bearer outbound-test-token');
          return Promise.resolve(request);
        },
      }),
  } as unknown as ServiceClientCredentialsFactory;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

/**
 * The bot over HTTP as Teams reaches it: a real app id, tokens signed by the test key server, and
 * replies to the fake connector on loopback. `logger` defaults to silent.
 */
export async function startAuthenticatedBot(keys: KeyServer, options: { readonly logger?: Logger } = {}): Promise<RunningServer> {
  return startServer({
    port: 0,
    host: '127.0.0.1',
    config: await loadConfig(undefined, {}),
    bot: {
      appId: BOT_APP_ID,
      appType: 'MultiTenant',
      openIdMetadataUrl: keys.openIdMetadataUrl,
      tokenIssuer: TOKEN_ISSUER,
      credentialsFactory: testCredentialsFactory(),
      extraConnectorHosts: ['127.0.0.1'],
    },
    logger: options.logger ?? pino({ level: 'silent' }),
    progressIntervalInMs: 0,
  });
}
