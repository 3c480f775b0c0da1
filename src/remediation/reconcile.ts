import { z } from 'zod';
import { isAbortError, type AbortSignalLike } from '../azure/abort.js';
import { getArmResource, type ArmJsonClient } from '../azure/arm-raw.js';
import { API_VERSIONS } from '../contracts/api-versions.js';
import { isObject } from '../estate/fields.js';
import type { AuditLog, AuditRecord, LeaseStore } from '../store/index.js';
import { FIX_LEASE, fixLeaseName } from './fix-lease.js';
import { serviceIdParts } from './reread.js';
import { stillAsFixed } from './snapshot.js';

/**
 * Crash safety for fixes. `applyFinding` records its intent (`fix.sending`) before it sends anything
 * and names that record (`details.operation`) in every later one. A process killed in between leaves
 * an intent that nothing closed; this finds those, re-reads what each request was meant to change,
 * and closes each intent with one `fix.reconciled` record saying honestly what the resource shows.
 */

export type ReconcileResult = 'applied' | 'not-applied' | 'unknown';

export interface ReconcileDependencies {
  readonly auditLog: AuditLog;
  readonly leases: LeaseStore;
  readonly client: (subscriptionId: string) => ArmJsonClient;
  readonly abortSignal?: AbortSignalLike;
  /** Told about each fix closed here (after its record is written), e.g. to edit the fix's card. */
  readonly onClosed?: (closed: ClosedOperation) => Promise<void>;
}

export interface ClosedOperation {
  /** The sequence number of the `fix.sending` record. */
  readonly operation: number;
  readonly serviceId: string;
  readonly result: ReconcileResult;
  readonly detail: string;
  /** The card that showed the fix, when the intent recorded one. */
  readonly card?: { readonly conversationId: string; readonly activityId: string };
}

export interface OpenOperation {
  readonly operation: number;
  readonly serviceId: string;
  /** Why it was left for a later run: a living process holds the service's lease, or an update still runs. */
  readonly reason: string;
}

export interface ReconcileSummary {
  readonly closed: readonly ClosedOperation[];
  readonly leftOpen: readonly OpenOperation[];
}

/**
 * Records that end a fix: the verification, a refusal or failure that stopped it, or a reconciliation.
 * `fix.unknown` does not: an operation still running when the sender stopped waiting is settled by a re-read.
 */
/** Intents: a fix, or the revert of one; each is closed by the same kinds under its own prefix. */
const INTENT_KINDS = new Set(['fix.sending', 'revert.sending']);
const CLOSING_KINDS = new Set(['fix', 'revert'].flatMap((prefix) => ['verified', 'not-verified', 'failed', 'conflict', 'reconciled'].map((end) => `${prefix}.${end}`)));

const PAGE = 1000;

const intentSchema = z.object({
  ruleId: z.string().optional(),
  requests: z.array(z.object({ method: z.string(), path: z.string().min(1), apiVersion: z.string().min(1).optional(), body: z.unknown() })).min(1),
  before: z.array(z.unknown()).optional(),
});
type Intent = z.infer<typeof intentSchema>;

/** What one request's resource shows on the re-read. */
type RequestState =
  | { readonly path: string; readonly result: ReconcileResult; readonly reason: string }
  | { readonly path: string; readonly result: 'running'; readonly reason: string };

/**
 * Provisioning states after which the resource no longer changes on its own. APIM documents
 * Created/Activating/Succeeded/Updating/Failed/Stopped/Terminating/TerminationFailed/Deleted; the
 * others (Updating above all: a service update takes up to 45 minutes) mean a change is still landing.
 */
const SETTLED_STATES = new Set(['succeeded', 'failed', 'canceled', 'cancelled', 'stopped', 'terminationfailed', 'deleted']);

/**
 * Closes every open fix it can: one `fix.reconciled` per intent, under the service's fix lease so a
 * fix still running in a living process, or another instance reconciling at the same time, is left
 * alone. Idempotent: an intent closed once is never closed again. Throws only when the audit log
 * cannot be read or written, or on abort; a failed re-read is a result (`unknown`), not an error.
 */
export async function reconcileOpenFixes(deps: ReconcileDependencies): Promise<ReconcileSummary> {
  const closed: ClosedOperation[] = [];
  const leftOpen: OpenOperation[] = [];
  const clients = new Map<string, ArmJsonClient>();
  const clientFor = (subscription: string): ArmJsonClient => {
    const known = clients.get(subscription);
    if (known !== undefined) return known;
    const created = deps.client(subscription);
    clients.set(subscription, created);
    return created;
  };
  for (const intent of await openIntents(deps.auditLog, 0)) {
    const serviceId = intent.subject ?? '';
    const lease = await deps.leases.acquire(fixLeaseName(serviceId === '' ? `operation ${intent.seq}` : serviceId), FIX_LEASE.ttlInMs);
    if (lease === undefined) {
      leftOpen.push({ operation: intent.seq, serviceId, reason: 'another process holds the fix lease of the service (a fix may still be running there)' });
      continue;
    }
    try {
      // Another instance may have closed it between the listing and the lease.
      if (!(await stillOpen(deps.auditLog, intent.seq))) continue;
      const outcome = await judge(intent, clientFor, deps.abortSignal);
      if (outcome.result === 'running') {
        leftOpen.push({ operation: intent.seq, serviceId, reason: outcome.detail });
        continue;
      }
      await deps.auditLog.append({
        kind: intent.kind === 'revert.sending' ? 'revert.reconciled' : 'fix.reconciled',
        actor: 'system',
        ...(intent.subject === undefined ? {} : { subject: intent.subject }),
        details: { operation: intent.seq, ...(outcome.ruleId === undefined ? {} : { ruleId: outcome.ruleId }), result: outcome.result, detail: outcome.detail, requests: outcome.requests },
      });
      const card = cardOf(intent.details['card']);
      const done: ClosedOperation = { operation: intent.seq, serviceId, result: outcome.result, detail: outcome.detail, ...(card === undefined ? {} : { card }) };
      closed.push(done);
      // The record is written; telling the card is a courtesy that must not undo or repeat it.
      await deps.onClosed?.(done).catch(() => undefined);
    } finally {
      await deps.leases.release(lease);
    }
  }
  return { closed, leftOpen };
}

/** The card location an intent recorded, if it is two short strings. */
function cardOf(value: unknown): ClosedOperation['card'] {
  if (!isObject(value)) return undefined;
  const { conversationId, activityId } = value;
  const short = (text: unknown): text is string => typeof text === 'string' && text !== '' && text.length <= 400;
  return short(conversationId) && short(activityId) ? { conversationId, activityId } : undefined;
}

/** `fix.sending` records after `afterSeq` that no later record closes. */
async function openIntents(log: AuditLog, afterSeq: number): Promise<AuditRecord[]> {
  const intents = new Map<number, AuditRecord>();
  const closedSeqs = new Set<number>();
  for (let after = afterSeq; ; ) {
    const page = await log.read({ afterSeq: after, limit: PAGE });
    for (const record of page) {
      if (INTENT_KINDS.has(record.kind)) intents.set(record.seq, record);
      const operation = record.details['operation'];
      if (CLOSING_KINDS.has(record.kind) && typeof operation === 'number') closedSeqs.add(operation);
    }
    const last = page.at(-1);
    if (page.length < PAGE || last === undefined) break;
    after = last.seq;
  }
  return [...intents.values()].filter((record) => !closedSeqs.has(record.seq));
}

async function stillOpen(log: AuditLog, seq: number): Promise<boolean> {
  const open = await openIntents(log, seq - 1);
  return open.some((record) => record.seq === seq);
}

interface Judgement {
  readonly ruleId: string | undefined;
  readonly result: ReconcileResult | 'running';
  readonly detail: string;
  readonly requests: { path: string; result: string; reason: string }[];
}

async function judge(intent: AuditRecord, clientFor: (subscription: string) => ArmJsonClient, abortSignal: AbortSignalLike | undefined): Promise<Judgement> {
  const parsed = intentSchema.safeParse(intent.details);
  const ruleId = typeof intent.details['ruleId'] === 'string' ? intent.details['ruleId'] : undefined;
  if (!parsed.success) return { ruleId, result: 'unknown', detail: `Fix record ${intent.seq} does not list the requests it sent, so nothing could be re-read.`, requests: [] };
  const subscription = serviceIdParts(intent.subject ?? '')?.subscription;
  if (subscription === undefined) return { ruleId, result: 'unknown', detail: `Fix record ${intent.seq} does not name an API Management service, so nothing could be re-read.`, requests: [] };
  const client = clientFor(subscription);
  const states: RequestState[] = [];
  for (const [index, request] of parsed.data.requests.entries()) {
    states.push(await judgeRequest(client, request, parsed.data.before?.[index] ?? null, abortSignal));
  }
  return { ruleId, ...overall(parsed.data, states), requests: states.map(({ path, result, reason }) => ({ path, result, reason })) };
}

async function judgeRequest(client: ArmJsonClient, request: Intent['requests'][number], before: unknown, abortSignal: AbortSignalLike | undefined): Promise<RequestState> {
  const { path } = request;
  let current: unknown;
  try {
    ({ body: current } = await getArmResource(client, path, { apiVersion: request.apiVersion ?? API_VERSIONS.apiManagement, ...(abortSignal === undefined ? {} : { abortSignal }) }));
  } catch (error) {
    if (isAbortError(error)) throw error;
    return { path, result: 'unknown', reason: `The re-read of ${path} failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  const state = provisioningState(current);
  if (state !== undefined && !SETTLED_STATES.has(state.toLowerCase())) {
    return { path, result: 'running', reason: `An update of ${path} is still running (provisioning state ${state}); it is re-read on a later run.` };
  }
  if (stillAsFixed(request.body, current).ok) return { path, result: 'applied', reason: `Every value the fix set on ${path} is in place.` };
  if (before === null) return { path, result: 'unknown', reason: `${path} does not hold what the fix set, and the values from before were not recorded to compare with.` };
  const mismatch = stillAsFixed(before, current);
  if (mismatch.ok) return { path, result: 'not-applied', reason: `${path} still holds the values from before the fix.` };
  return { path, result: 'unknown', reason: `${path} holds neither what the fix set nor the values from before (${mismatch.path} differs).` };
}

function overall(intent: Intent, states: readonly RequestState[]): { result: ReconcileResult | 'running'; detail: string } {
  const running = states.find((state) => state.result === 'running');
  if (running !== undefined) return { result: 'running', detail: running.reason };
  if (states.every((state) => state.result === 'applied')) {
    return { result: 'applied', detail: `The fix landed: every value its ${plural(intent.requests.length, 'request')} set is in place on the re-read.` };
  }
  if (states.every((state) => state.result === 'not-applied')) {
    return { result: 'not-applied', detail: `The fix did not land: the re-read shows the values from before for every request.` };
  }
  const applied = states.filter((state) => state.result === 'applied').length;
  const reasons = states.filter((state) => state.result !== 'applied').map((state) => state.reason);
  const partly = applied > 0 ? `${applied} of ${states.length} requests landed; ` : '';
  return { result: 'unknown', detail: `${partly}${reasons.join(' ')}` };
}

function provisioningState(resource: unknown): string | undefined {
  const properties = isObject(resource) ? resource['properties'] : undefined;
  const state = isObject(properties) ? properties['provisioningState'] : undefined;
  return typeof state === 'string' ? state : undefined;
}

function plural(count: number, noun: string): string {
  return count === 1 ? `1 ${noun}` : `${count} ${noun}s`;
}
