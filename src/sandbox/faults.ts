import { argRateLimited, quotaHeaders } from './arg.js';
import { SandboxHttpError } from './http.js';

/**
 * Injected failures, so tests can show how the product copes with what Azure does on a bad day:
 * 429 with or without Retry-After, 429 with only ARG's quota headers (which the SDK does not
 * retry), 500/503. A rule answers the next `times` requests it matches, then retires.
 */

export interface FaultRule {
  /** HTTP method to match (any when absent). */
  readonly method?: string;
  /** Substring of the request path, compared case-insensitively (any when absent). */
  readonly path?: string;
  /** ARG table the query reads (`resources`, `resourcecontainers`); only ARG requests match it. */
  readonly table?: 'resources' | 'resourcecontainers';
  /** Status to answer with, e.g. 429, 500, 503. */
  readonly status: number;
  /** How many matching requests to fail; default 1. `Infinity` fails all of them. */
  readonly times?: number;
  /** Sends `Retry-After: <seconds>` (omitted when absent: real ARG 429s carry none). */
  readonly retryAfterSeconds?: number;
  /** Sends ARG's `x-ms-user-quota-remaining` / `x-ms-user-quota-resets-after` (defaults 0 and 1 s). */
  readonly quotaHeaders?: boolean | { readonly remaining?: number; readonly resetsAfterSeconds?: number };
  /** Error code and message of the body; defaults follow the status. */
  readonly code?: string;
  readonly message?: string;
}

export interface FaultTarget {
  readonly method: string;
  readonly path: string;
  /** Set for ARG requests: the table the query starts with. */
  readonly table?: string;
}

const DEFAULT_CODES: Readonly<Record<number, string>> = {
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

export class Faults {
  private readonly rules: { readonly rule: FaultRule; remaining: number }[] = [];

  constructor(rules: readonly FaultRule[] = []) {
    for (const rule of rules) this.add(rule);
  }

  add(rule: FaultRule): void {
    this.rules.push({ rule, remaining: rule.times ?? 1 });
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** Failures still to be served, over all rules. */
  pending(): number {
    return this.rules.reduce((sum, entry) => sum + entry.remaining, 0);
  }

  /** The error to answer `target` with, if a rule matches; counts the rule down. */
  take(target: FaultTarget): SandboxHttpError | undefined {
    const entry = this.rules.find(({ rule, remaining }) => remaining > 0 && matches(rule, target));
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    return toError(entry.rule, target.table !== undefined);
  }
}

function matches(rule: FaultRule, target: FaultTarget): boolean {
  if (rule.method !== undefined && rule.method.toUpperCase() !== target.method.toUpperCase()) return false;
  if (rule.path !== undefined && !target.path.toLowerCase().includes(rule.path.toLowerCase())) return false;
  if (rule.table !== undefined && target.table?.toLowerCase() !== rule.table) return false;
  return true;
}

function toError(rule: FaultRule, isArg: boolean): SandboxHttpError {
  const headers: Record<string, string> = {};
  if (rule.retryAfterSeconds !== undefined) headers['Retry-After'] = String(rule.retryAfterSeconds);
  if (rule.quotaHeaders !== undefined && rule.quotaHeaders !== false) {
    const quota = rule.quotaHeaders === true ? {} : rule.quotaHeaders;
    Object.assign(headers, quotaHeaders(quota.remaining ?? 0, quota.resetsAfterSeconds ?? 1));
  }
  if (rule.status === 429 && isArg && rule.code === undefined && rule.message === undefined) return argRateLimited(headers);
  const code = rule.code ?? DEFAULT_CODES[rule.status] ?? 'InjectedFault';
  const message = rule.message ?? `Injected fault: the sandbox answers this request with ${rule.status}.`;
  return new SandboxHttpError(rule.status, code, message, { headers });
}
