import { z } from 'zod';

/** Entra object ids as Teams sends them in `from.aadObjectId`. */
const objectId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be an Entra object id (a GUID)');

const environmentPolicySchema = z.strictObject({
  /** Who may ask for a fix (Entra object ids). Empty: nobody. */
  requesters: z.array(objectId).max(500).default([]),
  /** Who may approve a production fix; never the requester of the same fix. */
  approvers: z.array(objectId).max(500).default([]),
  /** Which fix kinds may be applied at all. */
  kinds: z.array(z.enum(['safe', 'guarded'])).max(2).default(['safe']),
  /** Conversation ids (chats, channels) where fixes may be requested. Empty: none. */
  conversations: z.array(z.string().min(1).max(400)).max(500).default([]),
  /** A second person approves before anything is sent; default for environments named like production. */
  production: z.boolean().optional(),
});

/**
 * Who may fix what, per environment, deny by default: an environment that is not listed, a person
 * or conversation not listed, or a fix kind not listed is refused with a one-line reason.
 */
export const remediationPolicySchema = z.strictObject({
  /** How long an approval request stays open; default 60 minutes. */
  approvalExpiresInMinutes: z.number().int().min(1).max(7 * 24 * 60).default(60),
  environments: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be an environment name'), environmentPolicySchema).default({}),
});

export type EnvironmentPolicy = z.infer<typeof environmentPolicySchema> & {
  /**
   * Anyone, in any conversation, may request (and anyone else approve): the sandbox's demo policy.
   * Set in code only — the configuration schema has no such key, so no file can open Azure this way.
   */
  readonly anyone?: true;
};
export type RemediationPolicy = Omit<z.infer<typeof remediationPolicySchema>, 'environments'> & { readonly environments: Readonly<Record<string, EnvironmentPolicy>> };

/** Nothing may be fixed anywhere: the policy when the configuration has none. */
export const DENY_ALL: RemediationPolicy = { approvalExpiresInMinutes: 60, environments: {} };

/**
 * The local sandbox's policy when none is configured: every person may try every fix kind in every
 * environment, so `npm start` shows the whole flow; production still waits for a second person.
 * Only the sandbox gets it: its "Azure" is an emulator in this process.
 */
export function sandboxDemoPolicy(environments: readonly string[]): RemediationPolicy {
  const open: EnvironmentPolicy = { requesters: [], approvers: [], kinds: ['safe', 'guarded'], conversations: [], anyone: true };
  return { approvalExpiresInMinutes: 60, environments: Object.fromEntries(environments.map((name) => [name, open])) };
}

export type Decision = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface FixRequester {
  readonly environment: string;
  /** `from.aadObjectId`; undefined when Teams did not send one. */
  readonly userId: string | undefined;
  readonly conversationId: string;
  readonly kind: 'safe' | 'guarded' | 'manual';
}

const PRODUCTION_NAMES = new Set(['prod', 'production', 'prd', 'live']);

/** Whether a fix in this environment waits for a second person. */
export function needsApproval(policy: RemediationPolicy, environment: string): boolean {
  const rules = rulesFor(policy, environment);
  return rules?.production ?? PRODUCTION_NAMES.has(environment);
}

/** May this person ask for this fix here? Checked again on every click, never trusted from a card. */
export function mayRequest(policy: RemediationPolicy, request: FixRequester): Decision {
  const rules = rulesFor(policy, request.environment);
  if (rules === undefined) return deny(`Fixes are not enabled for ${request.environment}: the configuration names nobody who may apply them there.`);
  if (request.kind === 'manual') return deny('This finding is fixed by hand; there is nothing to apply.');
  if (!rules.kinds.includes(request.kind)) return deny(`${capitalise(request.kind)} fixes are not enabled for ${request.environment} (allowed: ${rules.kinds.join(', ') || 'none'}).`);
  if (rules.anyone !== true && !rules.conversations.includes(request.conversationId)) return deny(`Fixes for ${request.environment} cannot be requested from this conversation.`);
  if (request.userId === undefined || request.userId === '') return deny('Teams did not say who you are (no Entra object id), so I cannot check that you may apply fixes.');
  if (rules.anyone !== true && !includesId(rules.requesters, request.userId)) return deny(`You are not on the list of people who may apply fixes in ${request.environment}.`);
  return { ok: true };
}

/**
 * May this person accept a finding's risk here? The same people and conversations as fixes (an
 * exemption hides a finding as surely as a fix removes it), whatever fix kinds are enabled.
 */
export function mayAcceptRisk(policy: RemediationPolicy, request: Omit<FixRequester, 'kind'>): Decision {
  const rules = rulesFor(policy, request.environment);
  if (rules === undefined) return deny(`Accepting risks is not enabled for ${request.environment}: the configuration names nobody who may do it there.`);
  if (rules.anyone !== true && !rules.conversations.includes(request.conversationId)) return deny(`Risks in ${request.environment} cannot be accepted from this conversation.`);
  if (request.userId === undefined || request.userId === '') return deny('Teams did not say who you are (no Entra object id), so I cannot check that you may accept risks.');
  if (rules.anyone !== true && !includesId(rules.requesters, request.userId)) return deny(`You are not on the list of people who may accept risks in ${request.environment}.`);
  return { ok: true };
}

/** May this person approve a fix someone else requested? The requester never approves their own. */
export function mayApprove(policy: RemediationPolicy, approval: { readonly environment: string; readonly approverId: string | undefined; readonly requesterId: string; readonly conversationId: string }): Decision {
  const rules = rulesFor(policy, approval.environment);
  if (rules === undefined) return deny(`Fixes are not enabled for ${approval.environment}.`);
  if (rules.anyone !== true && !rules.conversations.includes(approval.conversationId)) return deny(`Fixes for ${approval.environment} cannot be approved from this conversation.`);
  if (approval.approverId === undefined || approval.approverId === '') return deny('Teams did not say who you are (no Entra object id), so I cannot check that you may approve.');
  if (sameId(approval.approverId, approval.requesterId)) return deny('You requested this fix; a second person must approve it.');
  if (rules.anyone !== true && !includesId(rules.approvers, approval.approverId)) return deny(`You are not on the list of people who may approve fixes in ${approval.environment}.`);
  return { ok: true };
}

/** The policy of one environment; own keys only, so no environment name reaches Object.prototype. */
export function rulesFor(policy: RemediationPolicy, environment: string): EnvironmentPolicy | undefined {
  return Object.hasOwn(policy.environments, environment) ? policy.environments[environment] : undefined;
}

function includesId(ids: readonly string[], id: string): boolean {
  return ids.some((candidate) => sameId(candidate, id));
}

/** Object ids compare without regard to case: Teams and the portal print them differently. */
function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function deny(reason: string): Decision {
  return { ok: false, reason };
}

function capitalise(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

/**
 * The policy a bot runs with: the configured one; on the sandbox with none configured, the demo
 * policy. Against Azure an absent policy stays deny-all.
 */
export function effectivePolicy(configured: RemediationPolicy, target: 'sandbox' | 'azure', environments: readonly string[]): RemediationPolicy {
  return target === 'sandbox' && configured === DENY_ALL ? sandboxDemoPolicy(environments) : configured;
}
