import { normaliseRuleId } from '../engine/select-rules.js';
import { serviceIdParts } from '../remediation/reread.js';
import { findRule } from '../rules/index.js';
import { callerKeySchema } from '../store/records.js';
import type { AuditLog, ExemptionRecord, ExemptionStore, JsonObject } from '../store/index.js';
import { hasControlCharacters, withoutControlCharacters } from '../util/control-characters.js';
import { DEFAULT_MAX_EXEMPTION_DAYS, MAX_REASON_LENGTH, MAX_TICKET_LENGTH } from './limits.js';

/** Entra object ids as Teams sends them in `from.aadObjectId`. */
const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface ExemptionDependencies {
  readonly exemptions: ExemptionStore;
  readonly auditLog: AuditLog;
  readonly now: () => Date;
  /** The furthest expiry allowed, in days from today (configuration `acceptRisk.maxDays`); default 90. */
  readonly maxDays?: number;
}

/** An audited service, to find one by name. */
export interface KnownService {
  readonly id: string;
  readonly name: string;
}

export interface AcceptRiskInput {
  readonly ruleId: string;
  /** The service's resource id, or its name when `services` lists the audited services to find it among. */
  readonly service: string;
  readonly services?: readonly KnownService[];
  readonly reason: string;
  /** The last day the exemption holds, `YYYY-MM-DD` (what Input.Date submits). */
  readonly expires: string;
  /** A link to the ticket that tracks the risk; https only. */
  readonly ticket?: string;
  /** `from.aadObjectId` of the person accepting; undefined when Teams did not send one. */
  readonly acceptedBy: string | undefined;
  readonly conversationId: string;
}

export interface RevokeInput {
  readonly id: string;
  /** `from.aadObjectId` of the person revoking; undefined when Teams did not send one. */
  readonly revokedBy: string | undefined;
  readonly conversationId: string;
}

/** Done, with the stored record; or refused with one sentence to show the person, and nothing stored. */
export type ExemptionChange = { readonly ok: true; readonly record: ExemptionRecord } | { readonly ok: false; readonly reason: string };

/**
 * "Accept risk" from Teams: checks what the person entered (a card is input like any other),
 * stores an exemption for exactly one rule on exactly one service, and records who accepted what,
 * until when and why in the hash-chained audit log. The audits that follow apply it together with
 * the configured exemptions.
 */
export async function acceptRisk(deps: ExemptionDependencies, input: AcceptRiskInput): Promise<ExemptionChange> {
  const checked = checkAcceptance(input, deps.now(), maxDaysOf(deps));
  if (!checked.ok) return checked;
  const { exemption, actor } = checked;
  const record = await deps.exemptions.add(exemption, actor);
  try {
    await deps.auditLog.append({
      kind: 'exemption.added',
      actor,
      subject: exemption.resource,
      details: { ...trailDetails(record, input.conversationId), ...(exemption.ticket === undefined ? {} : { ticket: exemption.ticket }) },
    });
  } catch (error) {
    // An exemption nobody can trace must not hide a finding: without its audit record it goes.
    await deps.exemptions.remove(record.id).catch(() => false);
    throw error;
  }
  return { ok: true, record };
}

/**
 * Removes an exemption granted in Teams. The removal is recorded first: should the store then
 * fail, the log shows an attempt that did not land rather than missing a change that did.
 */
export async function revokeExemption(deps: Pick<ExemptionDependencies, 'exemptions' | 'auditLog'>, input: RevokeInput): Promise<ExemptionChange> {
  const actor = identity(input.revokedBy);
  if (actor === undefined) return refuse('Teams did not say who you are (no Entra object id), so the exemption cannot be revoked in your name.');
  if (!callerKeySchema.safeParse(input.conversationId).success) return refuse('This conversation has no usable id, so the revocation cannot be recorded.');
  const record = (await deps.exemptions.list()).find((candidate) => candidate.id === input.id);
  if (record === undefined) return refuse('There is no such exemption granted in Teams; it may have been revoked already.');
  const { exemption } = record;
  await deps.auditLog.append({
    kind: 'exemption.removed',
    actor,
    subject: exemption.resource,
    details: { ...trailDetails(record, input.conversationId), createdBy: record.createdBy },
  });
  await deps.exemptions.remove(record.id);
  return { ok: true, record };
}

/** What the audit trail says about an exemption when it is added or removed. */
function trailDetails(record: ExemptionRecord, conversationId: string): JsonObject {
  const { exemption } = record;
  return {
    exemptionId: record.id,
    ruleId: exemption.ruleId,
    resource: exemption.resource,
    reason: exemption.reason,
    expires: exemption.expires,
    conversationId,
  };
}

type Checked = { readonly ok: true; readonly actor: string; readonly exemption: ExemptionRecord['exemption'] } | { readonly ok: false; readonly reason: string };

function checkAcceptance(input: AcceptRiskInput, now: Date, maxDays: number): Checked {
  const actor = identity(input.acceptedBy);
  if (actor === undefined) return refuse('Teams did not say who you are (no Entra object id), so the risk cannot be accepted in your name.');
  if (!callerKeySchema.safeParse(input.conversationId).success) return refuse('This conversation has no usable id, so the exemption cannot be recorded.');
  const rule = typeof input.ruleId === 'string' ? findRule(normaliseRuleId(input.ruleId)) : undefined;
  if (rule === undefined) return refuse(`There is no rule ${printable(input.ruleId)}; an exemption names one rule, such as APIM-004.`);
  const service = resolveService(input.service, input.services);
  if (!service.ok) return service;
  const reason = checkReason(input.reason);
  if (!reason.ok) return reason;
  const expires = checkExpiry(input.expires, now, maxDays);
  if (!expires.ok) return expires;
  const ticket = checkTicket(input.ticket);
  if (!ticket.ok) return ticket;
  return {
    ok: true,
    actor,
    exemption: { ruleId: rule.meta.id, resource: service.id, reason: reason.value, expires: expires.value, ...(ticket.value === undefined ? {} : { ticket: ticket.value }) },
  };
}

function identity(objectId: string | undefined): string | undefined {
  return typeof objectId === 'string' && OBJECT_ID.test(objectId) ? objectId.toLowerCase() : undefined;
}

/**
 * The exemption names the service by its full resource id, never a pattern: `*` would widen it
 * to other services, and a bare name would match same-named services in other subscriptions.
 */
function resolveService(service: string, known: readonly KnownService[] | undefined): { ok: true; id: string } | { ok: false; reason: string } {
  const given = typeof service === 'string' ? service.trim() : '';
  if (given.startsWith('/')) {
    if (given.includes('*') || serviceIdParts(given) === undefined) return refuse(`${printable(given)} is not the resource id of an API Management service.`);
    return { ok: true, id: given };
  }
  if (given === '') return refuse('Name the service the risk is accepted for.');
  const matches = (known ?? []).filter((candidate) => candidate.name.toLowerCase() === given.toLowerCase());
  if (matches.length > 1) return refuse(`${matches.length} audited services are named ${printable(given)}; accept the risk from the finding of the one you mean.`);
  const [match] = matches;
  return match === undefined ? refuse(`No audited service is named ${printable(given)}.`) : resolveService(match.id, undefined);
}

function checkReason(raw: string): { ok: true; value: string } | { ok: false; reason: string } {
  // One line: the reason is shown on cards and in the terminal, where line breaks and escapes do harm.
  const value = typeof raw === 'string' ? raw.replace(/\s+/g, ' ').trim() : '';
  if (value === '') return refuse('Say why the risk is accepted: the reason is required.');
  if (hasControlCharacters(value)) return refuse('The reason must be plain text, without control or text-direction characters.');
  if (value.length > MAX_REASON_LENGTH) return refuse(`The reason is ${value.length} characters long; keep it to ${MAX_REASON_LENGTH}.`);
  return { ok: true, value };
}

function checkExpiry(raw: string, now: Date, maxDays: number): { ok: true; value: string } | { ok: false; reason: string } {
  const value = typeof raw === 'string' ? raw.trim() : '';
  const [, year, month, day] = ISO_DATE.exec(value) ?? [];
  const date = year === undefined ? undefined : new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  // Round-tripping catches days that do not exist (2026-02-30), which Date would roll over.
  if (date === undefined || Number.isNaN(date.getTime()) || isoDay(date) !== value) return refuse(`The expiry must be a date such as ${isoDay(addDays(now, 30))}.`);
  const today = isoDay(now);
  const latest = isoDay(addDays(now, maxDays));
  if (value <= today) return refuse(`The expiry must be after today (${today}).`);
  if (value > latest) return refuse(`An exemption may last at most ${maxDays} days: choose a date until ${latest}.`);
  return { ok: true, value };
}

function checkTicket(raw: string | undefined): { ok: true; value: string | undefined } | { ok: false; reason: string } {
  if (raw === undefined) return { ok: true, value: undefined };
  const value = typeof raw === 'string' ? raw.trim() : '';
  // An empty Input.Text submits "": no ticket.
  if (value === '') return { ok: true, value: undefined };
  if (value.length > MAX_TICKET_LENGTH) return refuse(`The ticket link is ${value.length} characters long; keep it to ${MAX_TICKET_LENGTH}.`);
  let url: URL | undefined;
  try {
    url = /\s/.test(value) || hasControlCharacters(value) ? undefined : new URL(value);
  } catch {
    url = undefined;
  }
  // https only: the link is shown as something to click, and credentials in it would be published.
  if (url === undefined || url.protocol !== 'https:' || url.username !== '' || url.password !== '') return refuse('The ticket must be an https link, such as https://tickets.example.com/SEC-123.');
  return { ok: true, value };
}

function maxDaysOf(deps: ExemptionDependencies): number {
  const maxDays = deps.maxDays ?? DEFAULT_MAX_EXEMPTION_DAYS;
  if (!Number.isInteger(maxDays) || maxDays < 1) throw new RangeError('maxDays must be a whole number of days, at least 1');
  return maxDays;
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function addDays(date: Date, days: number): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + days));
}

/** Echoes what the person sent, bounded and on one line, for a refusal. */
function printable(value: unknown): string {
  const text = typeof value === 'string' ? withoutControlCharacters(value).trim() : '';
  return text === '' ? '(none)' : `"${text.length > 80 ? `${text.slice(0, 79)}…` : text}"`;
}

function refuse(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
