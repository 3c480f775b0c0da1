import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { ArgEndpoint } from './arg.js';
import { ArmEndpoint } from './arm.js';
import { createCertificate } from './certificate.js';
import { type FaultRule, Faults } from './faults.js';
import { type Reply, SandboxHttpError, type SandboxRequest } from './http.js';
import type { LroOptions } from './lro.js';
import { seedEstate } from './seed.js';
import { SandboxState } from './state.js';
import { ArgQuota, type ArgQuotaOptions, ArmReadBudget, type ArmReadBudgetOptions } from './throttling.js';
import type { SandboxData } from './types.js';

/**
 * The sandbox: a local HTTPS emulator of the ARM and ARG endpoints the product uses, which the
 * real SDK clients talk to unchanged (`endpoint: sandbox.url`, `tlsOptions: { ca: sandbox.caPem }`).
 * This module owns the socket and the order every request goes through:
 *
 *   read body → bearer token (401) → api-version (400) → injected fault
 *   → ARG (quota) or ARM (read budget, routes) → the rest of the latency → log → reply
 */

export interface SandboxOptions {
  /** The estate to serve; default: the seeded estate (src/sandbox/seed.ts). */
  readonly data?: SandboxData;
  /** Port on 127.0.0.1; default 0 (any free port). */
  readonly port?: number;
  /** Fixed delay before every reply, to make a slow network visible. Default 0. */
  readonly latencyMs?: number;
  /**
   * Delay for Resource Graph queries instead of `latencyMs`: ARG answers pages of up to 1,000 rows
   * and is much slower per request than an ARM GET, which benchmarks must model.
   */
  readonly argLatencyMs?: number;
  /** Failures to inject; more can be added later with `sandbox.faults.add`. */
  readonly faults?: readonly FaultRule[];
  /** ARG's per-token quota (15 per 5 s); `false` turns it off. */
  readonly argQuota?: ArgQuotaOptions | false;
  /** ARM's per-subscription read bucket (250, refill 25/s); `false` turns it off. */
  readonly armReadBudget?: ArmReadBudgetOptions | false;
  /** How service PATCHes complete; default `{ mode: 'apim', inProgressPolls: 1, retryAfterSeconds: 0 }`. */
  readonly lro?: LroOptions;
  /** Items per page of ARM lists (nextLink paging). Default 100; tests use 2 to see paging. */
  readonly pageSize?: number;
  /** Log entries kept (oldest dropped first), so a long-running sandbox does not grow. Default 10 000. */
  readonly requestLogLimit?: number;
  /** Rows of the `resourcechanges` change history kept (oldest dropped first). Default 10 000. */
  readonly changeLogLimit?: number;
  /**
   * Sees every request with the reply it got, before the reply is written: tests hold both to
   * Azure's published REST contract with it (test/support/azure-contract.ts). Off by default; it
   * must not throw, since it runs while the client waits.
   */
  readonly onExchange?: (exchange: SandboxExchange) => void;
}

/** One request as it arrived (method as sent, headers lower-cased, body parsed) and the reply it got. */
export interface SandboxExchange {
  readonly request: {
    readonly method: string;
    readonly path: string;
    readonly query: Readonly<Record<string, string>>;
    readonly headers: Readonly<Record<string, string | undefined>>;
    readonly body: unknown;
  };
  readonly response: Reply;
}

export interface RequestLogEntry {
  /** Milliseconds since the epoch when the request arrived. */
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** A few headers worth asserting on; the bearer token itself is redacted. */
  readonly headers: Readonly<Record<string, string>>;
  /** The ARG table a query read, for ARG requests. */
  readonly table?: string;
  /** Parsed JSON body of POST/PATCH/PUT requests. */
  readonly body?: unknown;
  status: number;
  durationMs: number;
}

export interface Sandbox {
  /** `https://127.0.0.1:<port>`, without a trailing slash: pass it as the SDK `endpoint`. */
  readonly url: string;
  /** The certificate to trust (`tlsOptions: { ca }`, or a file for NODE_EXTRA_CA_CERTS). */
  readonly caPem: string;
  readonly state: SandboxState;
  /** Every request served, oldest first. Tests may clear it (`requests.length = 0`). */
  readonly requests: RequestLogEntry[];
  readonly faults: Faults;
  close(): Promise<void>;
}

const LOGGED_HEADERS = ['authorization', 'if-match', 'content-type', 'accept', 'user-agent', 'x-ms-client-request-id'];
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const ARG_PATH = '/providers/microsoft.resourcegraph/resources';

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const certificate = await createCertificate();
  const state = new SandboxState(options.data ?? seedEstate(), options.changeLogLimit === undefined ? {} : { changeLimit: options.changeLogLimit });
  const faults = new Faults(options.faults);
  const requests: RequestLogEntry[] = [];
  const logLimit = options.requestLogLimit ?? 10_000;
  const latencyMs = options.latencyMs ?? 0;
  let url = '';

  const arg = new ArgEndpoint(state, options.argQuota === false ? undefined : new ArgQuota(options.argQuota));
  arg.warm();
  const arm = new ArmEndpoint(state, {
    pageSize: Math.max(1, options.pageSize ?? 100),
    lro: {
      mode: options.lro?.mode ?? 'apim',
      inProgressPolls: Math.max(0, options.lro?.inProgressPolls ?? 1),
      retryAfterSeconds: options.lro?.retryAfterSeconds === undefined ? 0 : options.lro.retryAfterSeconds,
    },
    readBudget: options.armReadBudget === false ? undefined : new ArmReadBudget(options.armReadBudget),
    baseUrl: () => url,
  });

  const route = (request: SandboxRequest, table: string | undefined): Reply => {
    if (!request.query.has('api-version')) {
      throw new SandboxHttpError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
    }
    const fault = faults.take({ method: request.method, path: request.path, ...(table === undefined ? {} : { table }) });
    if (fault !== undefined) throw fault;
    return table !== undefined || isArg(request) ? arg.handle(request) : arm.handle(request);
  };

  const server: Server = createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
    void serve(req, res, { route, requests, logLimit, latencyMs, argLatencyMs: options.argLatencyMs ?? latencyMs, onExchange: options.onExchange });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    caPem: certificate.cert,
    state,
    requests,
    faults,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
        // Keep-alive sockets of SDK clients would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

interface ServeContext {
  readonly route: (request: SandboxRequest, table: string | undefined) => Reply;
  readonly requests: RequestLogEntry[];
  readonly logLimit: number;
  readonly latencyMs: number;
  readonly argLatencyMs: number;
  readonly onExchange: ((exchange: SandboxExchange) => void) | undefined;
}

async function serve(req: IncomingMessage, res: ServerResponse, context: ServeContext): Promise<void> {
  const started = performance.now();
  const parsedUrl = new URL(req.url ?? '/', 'https://sandbox.invalid');
  const method = (req.method ?? 'GET').toUpperCase();
  const headers = headerMap(req);
  const entry: RequestLogEntry = {
    at: Date.now(),
    method,
    path: parsedUrl.pathname,
    query: Object.fromEntries(parsedUrl.searchParams),
    headers: Object.fromEntries(LOGGED_HEADERS.flatMap((name) => {
      const value = headers[name];
      if (value === undefined) return [];
      return [[name, name === 'authorization' ? value.replace(/^(\S+)\s+.*$/s, '$1 <redacted>') : value]];
    })),
    status: 0,
    durationMs: 0,
  };

  let reply: Reply;
  let body: unknown;
  try {
    body = await readJsonBody(req);
    if (body !== undefined) Object.assign(entry, { body });
    const token = bearerToken(headers['authorization']);
    const request: SandboxRequest = {
      // HEAD (the SDKs' getEntityTag) is a GET whose body is not sent.
      method: method === 'HEAD' ? 'GET' : method,
      path: parsedUrl.pathname,
      segments: parsedUrl.pathname.split('/').filter((part) => part !== '').map(decodeSegment),
      query: parsedUrl.searchParams,
      headers,
      body,
      token,
    };
    const table = isArg(request) ? argTable(body) : undefined;
    if (table !== undefined) Object.assign(entry, { table });
    reply = context.route(request, isArg(request) ? (table ?? '') : undefined);
  } catch (error) {
    reply = error instanceof SandboxHttpError ? error.toReply() : internalError(error);
  }
  const text = reply.body === undefined || method === 'HEAD' ? '' : JSON.stringify(reply.body);

  // The reply leaves the latency after the request arrived, refusals included: Azure's latency
  // includes its own work, so the time this process took to build the reply (a 1,000-row ARG page
  // takes a while) is part of it, not added on top. Throttling decisions are taken on arrival.
  const latencyMs = parsedUrl.pathname.toLowerCase() === ARG_PATH ? context.argLatencyMs : context.latencyMs;
  const remainingMs = latencyMs - (performance.now() - started);
  if (remainingMs > 0) await delay(remainingMs);

  context.onExchange?.({ request: { method, path: parsedUrl.pathname, query: entry.query, headers, body }, response: reply });
  entry.status = reply.status;
  entry.durationMs = Math.round(performance.now() - started);
  context.requests.push(entry);
  if (context.requests.length > context.logLimit) context.requests.splice(0, context.requests.length - context.logLimit);
  write(res, method === 'HEAD' ? { ...reply, body: undefined } : reply, text);
}

function write(res: ServerResponse, reply: Reply, text: string): void {
  if (res.destroyed) return;
  const requestId = randomUUID();
  res.writeHead(reply.status, {
    ...(reply.body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
    'Content-Length': String(Buffer.byteLength(text)),
    'x-ms-request-id': requestId,
    'x-ms-correlation-request-id': requestId,
    ...reply.headers,
  });
  res.end(text);
}

/** Every request must carry a bearer token, so the SDK's bearer policy is really exercised. */
function bearerToken(header: string | undefined): string {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  const token = match?.[1];
  if (token !== undefined) return token;
  const missing = header === undefined || header.trim() === '';
  throw new SandboxHttpError(
    401,
    missing ? 'AuthenticationFailed' : 'InvalidAuthenticationToken',
    missing ? "Authentication failed. The 'Authorization' header is missing." : "Authentication failed. The 'Authorization' header is provided in an invalid format.",
    { headers: { 'WWW-Authenticate': 'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="The authentication failed because of missing \'Authorization\' header."' } },
  );
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new SandboxHttpError(413, 'RequestEntityTooLarge', `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SandboxHttpError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized: it is not JSON.');
  }
}

function headerMap(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return headers;
}

function isArg(request: { readonly method: string; readonly path: string }): boolean {
  return request.method === 'POST' && request.path.toLowerCase().replace(/\/+$/, '') === ARG_PATH;
}

/** The first word of the query: enough to match fault rules by table before parsing. */
function argTable(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const query = (body as Record<string, unknown>)['query'];
  return typeof query === 'string' ? /^\s*([A-Za-z]+)/.exec(query)?.[1]?.toLowerCase() : undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function internalError(error: unknown): Reply {
  const message = error instanceof Error ? error.message : String(error);
  return new SandboxHttpError(500, 'InternalServerError', `The sandbox failed on this request: ${message}`).toReply();
}
