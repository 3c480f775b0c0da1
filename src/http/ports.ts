import { createServer, type Server } from 'node:net';

/** A port someone else already listens on: the person picks another, so one line, not a stack. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(
    readonly port: number,
    readonly host: string,
  ) {
    super(`port ${port} on ${host} is already in use`);
  }
}

/**
 * A TCP port from a variable such as PORT: a whole number from 0 (any free port) to 65535, or the
 * default when unset or empty. Anything else is refused by name, before a socket is opened.
 */
export function parsePort(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = raw.trim();
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65_535) throw new Error(`${name} must be a port number from 0 to 65535, not "${value.slice(0, 40)}"`);
  return Number(value);
}

/** Starts listening; an address in use becomes a {@link PortInUseError}, any other failure stays as it is. */
export async function listen(server: Pick<Server, 'listen' | 'once' | 'off'>, port: number, host: string | undefined): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, host ?? 'all interfaces') : error);
    };
    server.once('error', onError);
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    if (host === undefined) server.listen(port, onListening);
    else server.listen(port, host, onListening);
  });
}

/**
 * `preferred` if nothing listens on it (on every interface, as the Playground binds), else a port
 * the system picks. Probed by binding and letting go, so another program could take it in
 * between; good enough for a developer's machine, where the alternative is a crash.
 */
export async function availablePort(preferred: number): Promise<number> {
  const probe = async (port: number): Promise<number> => {
    const server = createServer();
    await listen(server, port, undefined);
    const address = server.address();
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
    return typeof address === 'object' && address !== null ? address.port : port;
  };
  try {
    return await probe(preferred);
  } catch (error) {
    if (!(error instanceof PortInUseError)) throw error;
    return probe(0);
  }
}

/**
 * Whether this bot already answers at `baseUrl`: GET /healthz with our exact answer,
 * `{ status: 'ok', version }`. Returns the version it reports; undefined for anything else (nothing
 * listening, another program, no answer within the timeout).
 */
export async function runningBotVersion(baseUrl: string, timeoutInMs = 1_500): Promise<string | undefined> {
  try {
    const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(timeoutInMs), redirect: 'error' });
    if (!response.ok) return undefined;
    const body: unknown = await response.json();
    if (typeof body !== 'object' || body === null) return undefined;
    const { status, version } = body as Record<string, unknown>;
    return status === 'ok' && typeof version === 'string' && Object.keys(body).length === 2 ? version : undefined;
  } catch {
    return undefined;
  }
}
