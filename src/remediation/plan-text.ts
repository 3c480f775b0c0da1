import { ARM_ENDPOINT } from '../azure/target.js';
import type { FixChange, FixPlan, FixPrecondition, FixRequest } from '../contracts/fix-plan.js';
import { redactText, redactValue } from '../engine/redact.js';
import { formatValue } from '../output/values.js';
import { requiresIfMatch } from '../rules/shared/fix-plans.js';

/**
 * One fix plan as people and tools read it, whole: the CLI's `plan`, the JSON report and the bot's
 * Fix answer all render plans through here, so they show the same URL, body and `az rest` command,
 * and none of them cuts a request short. Values that look like credentials are redacted (as in
 * every other output); a request that lost a credential that way gets no ready command, because
 * sending it as shown would overwrite the credential with the placeholder.
 */

/** What every plan (a single finding's, or several merged into one request) has. */
export type PlanParts = Pick<FixPlan, 'kind' | 'summary' | 'request' | 'changes' | 'preconditions' | 'blastRadius'>;

/** A plan ready to show: the request as sent, its full URL and the `az rest` command that sends it. */
export interface PlanView {
  readonly kind: FixPlan['kind'];
  readonly summary: string;
  readonly changes: readonly FixChange[];
  readonly preconditions: readonly FixPrecondition[];
  readonly blastRadius: string;
  readonly request: {
    readonly method: FixRequest['method'];
    /** The whole URL: ARM host of the target, resource path, `?api-version=…`. */
    readonly url: string;
    readonly path: string;
    readonly apiVersion: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: FixRequest['body'];
  };
  /** The `az rest` command that sends the request; absent when the body shows redacted credentials. */
  readonly azRest?: string;
  /** What to know about the request and the command: redacted values, an If-Match to fill in. */
  readonly notes: readonly string[];
  /** Whether credentials in the body or changes are shown as `[redacted]`. */
  readonly redacted: boolean;
}

/** Placeholder for the If-Match value when the ETag was not read (APIM list results carry none). */
export const ETAG_PLACEHOLDER = '<ETag of a fresh GET of this resource>';

/** Note for a request that needs If-Match and has no ETag yet. */
export const ETAG_NOTE =
  'ARM refuses this update without If-Match, and the data read has no ETag for it: put the ETag of a fresh GET of the resource in place of the placeholder. Sent with the placeholder, ARM rejects the request and nothing changes.';

/** Note for a request whose body shows redacted credentials. */
export const REDACTED_BODY_NOTE =
  'Credentials in the request body are shown as [redacted]. No ready command is given: sent as shown, the request would replace them with that text. Send it with the real values.';

/** Note for changes that show redacted credentials while the request itself carries none. */
export const REDACTED_CHANGES_NOTE = 'Credentials in the changes are shown as [redacted]; the request does not send them.';

/**
 * Characters allowed in a URL path segment as they are (RFC 3986 pchar); everything else is
 * percent-encoded, so a hostile resource name cannot add a query, a fragment or whitespace.
 */
const PCHAR = /[A-Za-z0-9\-._~!$&'()*+,;=:@]/;

function encodeSegment(segment: string): string {
  let out = '';
  for (const char of segment) out += PCHAR.test(char) ? char : encodeURIComponent(char);
  return out;
}

/** `https://management.azure.com/subscriptions/…?api-version=2024-05-01`: the request's whole URL on `endpoint`. */
export function armUrl(request: Pick<FixRequest, 'path' | 'apiVersion'>, endpoint: string = ARM_ENDPOINT): string {
  const path = request.path.split('/').map(encodeSegment).join('/');
  const slash = path.startsWith('/') ? '' : '/';
  return `${endpoint.replace(/\/+$/, '')}${slash}${path}?api-version=${encodeURIComponent(request.apiVersion)}`;
}

/** `PATCH https://management.azure.com/…?api-version=…`, as the request line reads. */
export function requestLine(request: FixRequest, endpoint: string = ARM_ENDPOINT): string {
  return `${request.method} ${armUrl(request, endpoint)}`;
}

/** The If-Match header's name as the request spells it, when it has one. */
function ifMatchOf(request: Pick<FixRequest, 'headers'>): string | undefined {
  return Object.keys(request.headers ?? {}).find((name) => name.toLowerCase() === 'if-match');
}

/** Whether the request needs If-Match and carries none: its ETag must be read first. */
export function needsEtag(request: FixRequest): boolean {
  return requiresIfMatch(request) && ifMatchOf(request) === undefined;
}

/** `Name: value` lines of the request's headers; a missing If-Match that ARM requires shows its placeholder. */
export function headerLines(request: FixRequest): string[] {
  const lines = Object.entries(request.headers ?? {}).map(([name, value]) => `${name}: ${value}`);
  if (needsEtag(request)) lines.push(`If-Match: ${ETAG_PLACEHOLDER}`);
  return lines;
}

/** The request as a person would send it: request line, headers, a blank line, the body as indented JSON. */
export function requestText(request: FixRequest, endpoint: string = ARM_ENDPOINT): string {
  return formatRequest(request, armUrl(request, endpoint));
}

function formatRequest(request: FixRequest, url: string): string {
  return [`${request.method} ${url}`, ...headerLines(request), '', JSON.stringify(request.body, null, 2)].join('\n');
}

/**
 * One word for a POSIX shell (bash, zsh, sh): single quotes, in which nothing is special, with each
 * `'` written as `'\''`. `$`, backticks, `"`, `\`, `!` (in scripts) and newlines stay literal.
 */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * `az rest --method patch --url '…' [--headers '{"If-Match":"…"}'] --body '{…}'`, on one line so it
 * can be copied from a card or a terminal as it is. Headers go as a JSON object (az rest takes
 * `KEY=VALUE` or JSON; JSON keeps quotes in ETags intact). az rest adds the ARM token for ARM hosts,
 * and `Content-Type: application/json` for a JSON body.
 */
export function azRestCommand(request: FixRequest, endpoint: string = ARM_ENDPOINT): string {
  const headers: Record<string, string> = { ...request.headers };
  if (needsEtag(request)) headers['If-Match'] = ETAG_PLACEHOLDER;
  const words = ['az', 'rest', '--method', request.method.toLowerCase(), '--url', shellQuote(armUrl(request, endpoint))];
  if (Object.keys(headers).length > 0) words.push('--headers', shellQuote(JSON.stringify(headers)));
  words.push('--body', shellQuote(JSON.stringify(request.body)));
  return words.join(' ');
}

/**
 * The plan as shown everywhere: credentials redacted from the body, the changes and the texts; the
 * whole URL on `endpoint` (the target's ARM host); the command, unless redaction changed the request.
 */
export function planView(plan: PlanParts, endpoint: string = ARM_ENDPOINT): PlanView {
  const { request } = plan;
  const body = redactValue(request.body) as FixRequest['body'];
  const changes = plan.changes.map((change) => {
    const before = redactValue(change.before);
    const after = redactValue(change.after);
    return before === change.before && after === change.after ? change : { ...change, before, after };
  });
  const bodyRedacted = body !== request.body;
  const changesRedacted = changes.some((change, index) => change !== plan.changes[index]);
  const notes = [
    ...(bodyRedacted ? [REDACTED_BODY_NOTE] : changesRedacted ? [REDACTED_CHANGES_NOTE] : []),
    ...(needsEtag(request) ? [ETAG_NOTE] : []),
  ];
  return {
    kind: plan.kind,
    summary: redactText(plan.summary),
    changes,
    preconditions: plan.preconditions.map((p) => ({ ...p, description: redactText(p.description), detail: redactText(p.detail) })),
    blastRadius: redactText(plan.blastRadius),
    request: { method: request.method, url: armUrl(request, endpoint), path: request.path, apiVersion: request.apiVersion, headers: { ...request.headers }, body },
    ...(bodyRedacted ? {} : { azRest: azRestCommand(request, endpoint) }),
    notes,
    redacted: bodyRedacted || changesRedacted,
  };
}

/** `path: before → after`, values as JSON ("absent" when there is none). */
export function changeLine(change: FixChange): string {
  return `${change.path}: ${formatValue(change.before)} → ${formatValue(change.after)}`;
}

/** How a precondition stands, in words: met, not met, to confirm, read again before applying. */
export function preconditionLine(precondition: FixPrecondition): string {
  const status = precondition.satisfied
    ? 'met'
    : precondition.judgedBy === 'confirm'
      ? 'to confirm'
      : precondition.judgedBy === 'reread'
        ? 'checked when applying'
        : 'NOT MET';
  return `[${status}] ${precondition.description}: ${precondition.detail}`;
}

/** The request of a view (body as shown), as {@link requestText} writes it. */
export function viewRequestText(view: PlanView): string {
  return formatRequest(shownRequest(view), view.request.url);
}

/** What follows the request line: the headers and a blank line (when there are any), then the body as indented JSON. */
export function headersAndBody(view: PlanView): string {
  const headers = headerLines(shownRequest(view));
  const body = JSON.stringify(view.request.body, null, 2);
  return headers.length === 0 ? body : [...headers, '', body].join('\n');
}

function shownRequest(view: PlanView): FixRequest {
  const { method, path, apiVersion, headers, body } = view.request;
  return { method, path, apiVersion, headers, body };
}

/**
 * A plan as the CLI prints it, whole: `title` (which finding), the summary, changes, preconditions,
 * blast radius, the request and the `az rest` command. Nothing is shortened.
 */
export function planText(title: string, view: PlanView): string {
  const lines = [
    title,
    view.summary,
    '',
    'Changes:',
    ...view.changes.map((change) => `  ${changeLine(change)}`),
    ...(view.changes.length === 0 ? ['  (no property change is known)'] : []),
    '',
    'Preconditions:',
    ...view.preconditions.map((p) => `  ${preconditionLine(p)}`),
    ...(view.preconditions.length === 0 ? ['  (none)'] : []),
    '',
    `Blast radius: ${view.blastRadius}`,
    '',
    'Request:',
    viewRequestText(view),
    '',
    'Azure CLI:',
    view.azRest ?? '(no ready command; see the note below)',
    ...(view.notes.length > 0 ? ['', ...view.notes.map((note) => `Note: ${note}`)] : []),
  ];
  return `${lines.join('\n')}\n`;
}
