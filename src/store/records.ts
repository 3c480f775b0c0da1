import { z } from 'zod';
import { SEVERITIES } from '../contracts/results.js';
import { exemptionSchema } from '../engine/exemptions.js';
import { jsonObjectSchema, jsonValueSchema } from './json.js';

/**
 * The shapes of stored records, checked on every read: storage is outside the process, and what
 * comes back from it is treated like any other input.
 */

const isoTime = z.iso.datetime({ offset: true });
const hash = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest');
/** Names and keys a caller chooses: printable, bounded. */
export const callerKeySchema = z
  .string()
  .min(1, 'must not be empty')
  .max(512, 'must be at most 512 characters')
  .refine(hasNoControlCharacters, 'must not contain control characters');

function hasNoControlCharacters(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return false;
  }
  return true;
}

export const auditEntrySchema = z.strictObject({
  /** What happened, dotted lower case: `fix.applied`, `exemption.added`. */
  kind: z.string().regex(/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$/, 'must be dotted lower case, such as fix.applied').max(100),
  /** Who did it: a user's AAD object id, or `system`. */
  actor: callerKeySchema,
  /** What it was done to: a resource id, a conversation. */
  subject: callerKeySchema.optional(),
  details: jsonObjectSchema,
});

export const auditRecordSchema = z.strictObject({
  seq: z.number().int().min(1),
  at: isoTime,
  ...auditEntrySchema.shape,
  prevHash: hash,
  hash,
});

export const auditHeadSchema = z.strictObject({ seq: z.number().int().min(1), hash });

export const findingKeySchema = z.strictObject({
  /** Stable identity of a finding across audits: rule id and resource id. */
  key: z.string().min(1).max(2048),
  severity: z.enum(SEVERITIES as [string, ...string[]]).transform((value) => value as (typeof SEVERITIES)[number]),
  firstSeen: isoTime,
  /** Failing but covered by an active exemption: not open. Absent (older records too) means open. */
  exempted: z.literal(true).optional(),
});

/** A service the audit covered, so a digest names it and its owner (from tags) without the report. */
export const snapshotServiceSchema = z.strictObject({
  /** The resource id, lower case, as finding keys carry it. */
  id: z.string().min(1).max(2048),
  name: callerKeySchema,
  owner: callerKeySchema.optional(),
});

export const postureSnapshotInputSchema = z.strictObject({
  environment: callerKeySchema,
  // History keys count milliseconds back from a fixed end (history.ts): the time must fall before it.
  at: isoTime.refine((value) => Date.parse(value) >= 0 && Date.parse(value) < 10 ** 15, 'must be a time from 1970 onwards'),
  score: z.number().min(0).max(100),
  findings: z.array(findingKeySchema).max(100_000),
  /** Every service audited; absent in records written before services were kept. */
  services: z.array(snapshotServiceSchema).max(100_000).optional(),
});

export const postureSnapshotSchema = z.strictObject({ id: z.string().min(1), ...postureSnapshotInputSchema.shape });

export const exemptionRecordSchema = z.strictObject({
  id: z.string().min(1),
  exemption: exemptionSchema,
  createdBy: callerKeySchema,
  createdAt: isoTime,
});

export const buttonRefSchema = z.strictObject({
  id: z.string().min(1),
  meaning: jsonObjectSchema,
  conversationId: callerKeySchema,
  userId: callerKeySchema.optional(),
  /** Milliseconds since the epoch. */
  expiresAt: z.number().int(),
  singleUse: z.boolean(),
  consumedAt: isoTime.optional(),
});

export const conversationRecordSchema = z.strictObject({
  conversationId: callerKeySchema,
  reference: jsonObjectSchema,
  updatedAt: isoTime,
});

export const subscriptionSchema = z.strictObject({
  conversationId: callerKeySchema,
  /** What is sent: `weekly-digest` (the digest, whatever its cadence) or `alerts`. */
  topic: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be lower case letters, digits and dashes'),
  environment: callerKeySchema.optional(),
  createdBy: callerKeySchema,
  createdAt: isoTime,
  // The fields below came with subscribing from chat; records written before them still read
  // (absent: weekly, Monday, 09:00, UTC, high, enabled).
  /** How often the digest goes out. */
  cadence: z.enum(['daily', 'weekly']).optional(),
  /** The day of a weekly digest, lower case English. */
  day: z.enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']).optional(),
  /** Local time of day, `HH:MM` (24 hours). */
  time: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM')
    .optional(),
  /** IANA time zone of `day` and `time`, such as Europe/Berlin. */
  timeZone: z.string().min(1).max(64).refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin').optional(),
  /** Alerts: the lowest severity that is sent. */
  minSeverity: z.enum(SEVERITIES as [string, ...string[]]).transform((value) => value as (typeof SEVERITIES)[number]).optional(),
  /** False once sending is impossible (the bot was removed, the channel deleted); absent means enabled. */
  enabled: z.boolean().optional(),
  disabledAt: isoTime.optional(),
  disabledReason: z.string().max(200).optional(),
});

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const storedReportSchema = z.strictObject({
  conversationId: callerKeySchema,
  savedAt: isoTime,
  report: jsonValueSchema,
});

export const leaseRecordSchema = z.strictObject({
  name: callerKeySchema,
  token: z.string().min(1),
  /** Milliseconds since the epoch; 0 once released. */
  expiresAt: z.number().int(),
});

export const doneRecordSchema = z.strictObject({ key: callerKeySchema, doneAt: isoTime });
