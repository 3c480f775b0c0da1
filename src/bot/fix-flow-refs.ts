import { z } from 'zod';
import type { ConfirmedFix, RevertStep } from '../remediation/apply-finding.js';
import type { Finding } from '../remediation/finding-fix.js';
import { jsonObjectSchema, jsonValueSchema, type JsonObject } from '../store/json.js';

/**
 * What a remediation button means, kept in the store behind a single-use ref. The card carries
 * only the ref; the finding, the exact requests confirmed and who asked stay server-side, so the
 * plan a person confirmed is the plan that is applied, whatever the client sends back.
 */
export type FixChange =
  /** Apply the requests a confirmation card showed. */
  | { readonly action: 'fix'; readonly confirmed: readonly ConfirmedFix[] }
  /** Put back the values a fix replaced. */
  | { readonly action: 'revert'; readonly kind: 'safe' | 'guarded'; readonly steps: readonly RevertStep[]; readonly changes: readonly { readonly path: string; readonly before: unknown; readonly after: unknown }[]; readonly operation?: number };

export interface FixMeaning {
  /** `confirm`: Apply / Cancel; `approval`: Approve / Reject; `revert`: the Revert button. */
  readonly step: 'confirm' | 'approval' | 'revert';
  /** Where the fix was asked for: the policy's conversation list is checked against it. */
  readonly conversationId: string;
  readonly environment: string;
  readonly finding: Finding;
  /** Other findings on the service fixed by the same requests ("Fix all safe"). */
  readonly also?: readonly Finding[];
  readonly change: FixChange;
  /** The key the refs are bound to (`from.aadObjectId`, else the channel account id). */
  readonly requesterKey: string;
  /** `from.aadObjectId`, which the policy lists; undefined when Teams sent none. */
  readonly requesterId?: string;
  readonly requesterName: string;
  /** When approval was asked (ISO), for the card. */
  readonly requestedAt?: string;
}

const id = z.string().min(1).max(2_000);
const request = z.strictObject({
  method: z.enum(['PATCH', 'PUT']),
  path: id,
  apiVersion: z.string().min(1).max(40),
  headers: z.record(z.string().max(100), z.string().max(2_000)).optional(),
  body: jsonObjectSchema,
});
const diff = z.strictObject({ path: z.string().max(2_000), before: jsonValueSchema.optional(), after: jsonValueSchema.optional() });
const kind = z.enum(['safe', 'guarded']);
const snapshot = z.union([z.strictObject({ ok: z.literal(true), body: jsonObjectSchema }), z.strictObject({ ok: z.literal(false), reason: z.string().max(2_000) })]);
const change = z.union([
  z.strictObject({ action: z.literal('fix'), confirmed: z.array(z.strictObject({ kind, request, changes: z.array(diff).max(500) })).min(1).max(50) }),
  z.strictObject({
    action: z.literal('revert'),
    kind,
    steps: z.array(z.strictObject({ path: id, method: z.enum(['PATCH', 'PUT']), apiVersion: z.string().min(1).max(40), sent: jsonObjectSchema, snapshot })).min(1).max(50),
    changes: z.array(diff).max(500),
    operation: z.number().int().min(0).optional(),
  }),
]);
const finding = z.strictObject({ serviceId: id, serviceName: id, ruleId: z.string().regex(/^[A-Z][A-Z0-9]*-\d{3,4}$/), resourceIds: z.array(id).max(10_000) });
const meaningSchema = z.strictObject({
  step: z.enum(['confirm', 'approval', 'revert']),
  conversationId: z.string().min(1).max(400),
  environment: z.string().min(1).max(64),
  finding,
  also: z.array(finding).max(40).optional(),
  change,
  requesterKey: z.string().min(1).max(400),
  requesterId: z.string().min(1).max(100).optional(),
  requesterName: z.string().max(200),
  requestedAt: z.string().max(40).optional(),
});

/** A stored meaning read back: storage is input too, so anything but this shape is refused. */
export function parseFixMeaning(value: unknown): FixMeaning | undefined {
  const parsed = meaningSchema.safeParse(value);
  return parsed.success ? (parsed.data as FixMeaning) : undefined;
}

/** The meaning as the store keeps it: plain JSON (undefined fields dropped). */
export function fixMeaningJson(meaning: FixMeaning): JsonObject {
  return JSON.parse(JSON.stringify(meaning)) as JsonObject;
}
