import type { IncomingMessage } from 'node:http';

/** The largest activity the bot reads; Teams activities are a few kilobytes, card invokes smaller. */
export const MAX_ACTIVITY_BYTES = 256 * 1024;

export type JsonBody = { readonly ok: true; readonly body: unknown } | { readonly ok: false; readonly status: 400 | 413 | 415; readonly message: string };

/**
 * Reads a JSON request body into memory, bounded, and nothing else: no multipart, no form
 * decoding, no temporary files. A general body parser would accept (and spool to disk) whatever
 * content type an unauthenticated caller sends; Bot Framework only ever sends JSON.
 *
 * The content type is checked before a byte is read, the declared length before the stream is
 * consumed, and the running length while it is.
 */
export async function readJsonBody(req: IncomingMessage, limitInBytes = MAX_ACTIVITY_BYTES): Promise<JsonBody> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    req.resume();
    return { ok: false, status: 415, message: 'Only application/json is accepted.' };
  }
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limitInBytes) {
    req.resume();
    return { ok: false, status: 413, message: `The body is larger than ${limitInBytes} bytes.` };
  }
  const text = await readBounded(req, limitInBytes);
  if (text === undefined) return { ok: false, status: 413, message: `The body is larger than ${limitInBytes} bytes.` };
  try {
    return { ok: true, body: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, status: 400, message: 'The body is not valid JSON.' };
  }
}

/**
 * The body as text, or `undefined` once it passes the limit. Past the limit the rest is read and
 * dropped rather than the socket destroyed, so the client gets the 413 instead of a reset; a
 * client that keeps sending far beyond the limit is cut off.
 */
function readBounded(req: IncomingMessage, limitInBytes: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      received += buffer.length;
      if (received <= limitInBytes) chunks.push(buffer);
      else if (received > DRAIN_FACTOR * limitInBytes) req.destroy();
    });
    req.on('end', () => {
      resolve(received > limitInBytes ? undefined : Buffer.concat(chunks).toString('utf8'));
    });
    req.on('close', () => {
      if (!req.complete) resolve(undefined);
    });
    req.on('error', reject);
  });
}

/** How far past the limit a body is drained before the connection is cut. */
const DRAIN_FACTOR = 16;
