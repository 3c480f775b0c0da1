/**
 * The small vocabulary every sandbox handler speaks: a request already read and parsed, a reply
 * not yet written, and an error that knows its ARM status and error body. Handlers stay pure
 * functions of request → reply; only server.ts touches sockets.
 */

export interface SandboxRequest {
  readonly method: string;
  /** Path as sent (not decoded), without the query string. */
  readonly path: string;
  /** Path segments, each percent-decoded. */
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  /** Lower-cased header names, as node gives them. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Parsed JSON body, or undefined when there was none. */
  readonly body: unknown;
  /** The bearer token (already checked to be present). */
  readonly token: string;
}

export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Serialised as JSON; undefined sends an empty body. */
  readonly body?: unknown;
}

export interface ErrorDetail {
  readonly code: string;
  readonly message: string;
}

/**
 * An error that becomes an ARM-shaped response: `{ error: { code, message, details? } }`. ARG
 * errors are the same shape with `details` filled in, which is what the SDKs map to RestError.
 */
export class SandboxHttpError extends Error {
  override readonly name = 'SandboxHttpError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: { readonly details?: readonly ErrorDetail[]; readonly headers?: Readonly<Record<string, string>> } = {},
  ) {
    super(message);
  }

  toReply(): Reply {
    const error: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.options.details !== undefined) error['details'] = this.options.details;
    return { status: this.status, headers: this.options.headers ?? {}, body: { error } };
  }
}

export function notFound(message: string, code = 'ResourceNotFound'): SandboxHttpError {
  return new SandboxHttpError(404, code, message);
}

export function badRequest(code: string, message: string): SandboxHttpError {
  return new SandboxHttpError(400, code, message);
}

export function json(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): Reply {
  return { status, body, headers };
}

/** `hh:mm:ss` as ARG writes `x-ms-user-quota-resets-after`. */
export function formatHms(totalSeconds: number): string {
  const seconds = Math.max(0, Math.ceil(totalSeconds));
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
