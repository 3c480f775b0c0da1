import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { availablePort, listen, parsePort, PortInUseError, runningBotVersion } from '../../src/http/ports.js';
import { LoopbackListeners } from '../support/loopback-listeners.js';

const listeners = new LoopbackListeners();
afterEach(() => listeners.closeAll());

/** A loopback listener that accepts connections and never answers. */
const silentListener = (): Promise<number> => listeners.silent();

async function httpListener(answer: (path: string) => { status: number; body: string }): Promise<string> {
  return `http://127.0.0.1:${await listeners.http(answer)}`;
}

describe('parsePort', () => {
  it('takes a whole number from 0 to 65535, or the default when unset or empty', () => {
    expect(parsePort(undefined, 'PORT', 3978)).toBe(3978);
    expect(parsePort('', 'PORT', 3978)).toBe(3978);
    expect(parsePort(' 8080 ', 'PORT', 3978)).toBe(8080);
    expect(parsePort('0', 'PORT', 3978)).toBe(0);
  });

  it('refuses anything else by name', () => {
    for (const raw of ['abc', '-1', '65536', '80.5', '0x50', '123456']) {
      expect(() => parsePort(raw, 'PLAYGROUND_PORT', 1)).toThrow(`PLAYGROUND_PORT must be a port number from 0 to 65535, not "${raw}"`);
    }
  });
});

describe('listen and availablePort', () => {
  it('turns an address in use into a PortInUseError naming the port and host', async () => {
    const port = await silentListener();
    const second = createServer();
    const error = await listen(second, port, '127.0.0.1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PortInUseError);
    expect((error as Error).message).toBe(`port ${port} on 127.0.0.1 is already in use`);
  });

  it('keeps a free preferred port and replaces a taken one, even one taken on loopback only', async () => {
    const taken = await silentListener();
    const other = await availablePort(taken);
    expect(other).not.toBe(taken);
    expect(other).toBeGreaterThan(0);
    // The replacement is really free: it can be listened on.
    expect(await availablePort(other)).toBe(other);
  });
});

describe('runningBotVersion', () => {
  it("recognises this bot's /healthz answer and returns its version", async () => {
    const url = await httpListener((path) => (path === '/healthz' ? { status: 200, body: '{"status":"ok","version":"9.9.9"}' } : { status: 404, body: '{}' }));
    expect(await runningBotVersion(url)).toBe('9.9.9');
  });

  it('says no to anything else: another shape, another status, not JSON, an error status, silence, nothing listening', async () => {
    for (const body of ['{"status":"ok","version":"1","db":"up"}', '{"status":"degraded","version":"1"}', '{"status":"ok","version":1}', '<html>', '[]', 'null']) {
      expect(await runningBotVersion(await httpListener(() => ({ status: 200, body })))).toBeUndefined();
    }
    expect(await runningBotVersion(await httpListener(() => ({ status: 503, body: '{"status":"ok","version":"1"}' })))).toBeUndefined();
    const started = Date.now();
    expect(await runningBotVersion(`http://127.0.0.1:${await silentListener()}`, 300)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(5_000);
    const free = await availablePort(0);
    expect(await runningBotVersion(`http://127.0.0.1:${free}`)).toBeUndefined();
  });
});
