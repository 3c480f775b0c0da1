import { z } from 'zod';
import type { Report } from '../engine/report.js';
import { MAX_REASON_LENGTH, MAX_TICKET_LENGTH } from '../exemptions/limits.js';
import { SEVERITIES, type Severity } from '../rules/types.js';

/** An expanded Adaptive Card 1.5, ready to attach (`application/vnd.microsoft.card.adaptive`). */
export interface AdaptiveCard {
  readonly type: 'AdaptiveCard';
  readonly version: '1.5';
  readonly body: readonly unknown[];
  readonly actions?: readonly unknown[];
  readonly [key: string]: unknown;
}

/** What an audit was asked to look at beyond its scope, echoed on its cards. */
export interface AuditFilters {
  readonly minSeverity?: Severity;
  readonly ruleIds: readonly string[];
  readonly services: readonly string[];
  /** Child resources were read (a deep audit, or one named service). */
  readonly deep: boolean;
}

/**
 * Which card a button sits on, so that a click can re-render that card instead of wiping it:
 * the summary (with what was already shown below it) or a service's finding card on a page.
 */
export type CardOrigin =
  | {
      readonly view: 'summary';
      /** Findings were already posted below the summary, with this filter ('all' for none). */
      readonly shownBelow?: Severity | 'all';
    }
  | {
      readonly view: 'findings';
      readonly page: number;
      readonly minSeverity?: Severity;
      readonly serviceId: string;
    };

/**
 * What a ref stands for. Cards never carry evidence or resource ids the bot would have to trust:
 * the renderer asks the caller for an opaque ref and the bot keeps what it means server-side.
 */
export interface RefPayloads {
  /** A rendered report and the card the ref sits on: "Show findings", paging, filters, Explain, Deep audit. */
  readonly report: { readonly report: Report; readonly origin: CardOrigin };
  /** "Fix all safe" on a service card: every open finding of the service whose fix is safe. */
  readonly fixAll: { readonly report: Report; readonly origin: CardOrigin; readonly serviceId: string; readonly serviceName: string };
  /** One Fix button: the open failures of one rule on one service (the service or its children). */
  readonly fix: {
    readonly report: Report;
    readonly origin: CardOrigin;
    readonly serviceId: string;
    readonly serviceName: string;
    readonly ruleId: string;
    /** The failing resources: the service id, or child ids under it. */
    readonly resourceIds: readonly string[];
  };
}

export type RefKind = keyof RefPayloads;

/** Supplied by the caller (the bot); returns an opaque string it can resolve later. */
export type RefFor = <K extends RefKind>(kind: K, payload: RefPayloads[K]) => string;

/**
 * The verbs of every Action.Execute the cards carry, with their `data`. `card` on Explain is the
 * ref of the card the button sits on (absent on cards without one, such as the rules list).
 */
export type CardAction =
  | { readonly verb: 'showFindings'; readonly data: { readonly ref: string; readonly page: number; readonly minSeverity?: Severity } }
  | { readonly verb: 'filter'; readonly data: { readonly ref: string; readonly minSeverity: Severity } }
  | { readonly verb: 'fix'; readonly data: { readonly ref: string } }
  | { readonly verb: 'explain'; readonly data: { readonly ruleId: string; readonly card?: string } }
  | { readonly verb: 'deepAudit'; readonly data: { readonly ref: string } }
  /**
   * A suggested command, run as if the clicker had typed it. `card` names a static card to show
   * again, or is the ref of a kept copy of the card the button sits on (digests, alerts).
   */
  | { readonly verb: 'command'; readonly data: { readonly text: string; readonly card?: string } }
  /** Fix on a digest or alert row: `ref` names the finding (no kept audit behind it), `card` the kept card. */
  | { readonly verb: 'rowFix'; readonly data: { readonly ref: string; readonly card?: string } }
  /** Remediation: Apply / Cancel a confirmed fix, Approve / Reject it (production), Revert it. One single-use ref each. */
  | { [V in RemediationVerb]: { readonly verb: V; readonly data: { readonly ref: string } } }[RemediationVerb]
  | { readonly verb: RiskFormVerb; readonly data: { readonly ref: string } }
  | { readonly verb: 'fixAll'; readonly data: { readonly ref: string } }
  /** The Accept risk form: `ref` names the finding; the rest is what the person entered, checked again by acceptRisk. */
  | { readonly verb: 'acceptRisk'; readonly data: AcceptRiskSubmission };

export type RemediationVerb = 'apply' | 'cancelFix' | 'approve' | 'reject' | 'revert';

/** Opens the Accept risk form for the finding a ref names. */
export type RiskFormVerb = 'riskForm';

export interface AcceptRiskSubmission {
  readonly ref: string;
  readonly reason: string;
  readonly expires: string;
  readonly ticket?: string;
}

/** Cards the bot can render again from nothing (no report behind them). */
export type StaticCard = 'help' | 'welcome';
const STATIC_CARDS: readonly string[] = ['help', 'welcome'];

export function isStaticCard(card: string): card is StaticCard {
  return STATIC_CARDS.includes(card);
}

/**
 * The buttons of a card sent without a kept audit behind it (the weekly digest, an alert): Fix per
 * finding, answered from a fresh read, and the ref of a kept copy of the card itself, so a click
 * answers below and the clicked card comes back as it was.
 */
export interface RowButtons {
  /** The ref of Fix for a finding; undefined when its rule has no automatic fix. */
  fix(finding: { readonly serviceId: string; readonly serviceName: string; readonly ruleId: string; readonly resourceId: string }): string | undefined;
  /** The ref of the card's kept copy. */
  readonly card: string;
}
/** Longest command a button may carry; typed commands are short too. */
const MAX_COMMAND = 200;

export type CardVerb = CardAction['verb'];
export const CARD_VERBS: readonly CardVerb[] = ['showFindings', 'filter', 'fix', 'explain', 'deepAudit', 'command', 'rowFix', 'apply', 'cancelFix', 'approve', 'reject', 'revert', 'riskForm', 'fixAll', 'acceptRisk'];

const MAX_REF = 256;
const RULE_ID = /^[A-Z][A-Z0-9]*-\d{3,4}$/;

/**
 * What the Accept risk form submits (its `ref` plus the values of its inputs `reason`, `expires`,
 * `ticket`). Only the shape and an upper bound on size are checked here, generously, so that the
 * person is told exactly what is wrong (acceptRisk: length, dates, https) rather than "I do not
 * recognise that button". An input left empty arrives as "" or not at all.
 */
const acceptRiskSubmissionSchema = z.strictObject({
  ref: z.string().min(1).max(MAX_REF),
  reason: z.string().max(4 * MAX_REASON_LENGTH).default(''),
  expires: z.string().max(40).default(''),
  ticket: z
    .string()
    .max(4 * MAX_TICKET_LENGTH)
    .optional()
    .transform((ticket) => (ticket === undefined || ticket.trim() === '' ? undefined : ticket)),
});

/**
 * Validates the `verb` and `data` of an `adaptiveCard/action` invoke. Card data comes from the client
 * and is untrusted: anything that is not exactly one of the shapes above is rejected (undefined).
 */
export function parseCardAction(verb: unknown, data: unknown): CardAction | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const fields = data as Record<string, unknown>;
  const keys = Object.keys(fields);
  const only = (...allowed: string[]): boolean => keys.every((key) => allowed.includes(key));
  const ref = fields['ref'];
  const validRef = typeof ref === 'string' && ref.length > 0 && ref.length <= MAX_REF;
  const severity = fields['minSeverity'];
  const validSeverity = typeof severity === 'string' && (SEVERITIES as readonly string[]).includes(severity);
  switch (verb) {
    case 'fix':
    case 'deepAudit':
    case 'apply':
    case 'cancelFix':
    case 'approve':
    case 'reject':
    case 'revert':
    case 'riskForm':
    case 'fixAll':
      return validRef && only('ref') ? { verb, data: { ref } } : undefined;
    case 'explain': {
      const ruleId = fields['ruleId'];
      if (typeof ruleId !== 'string' || !RULE_ID.test(ruleId) || !only('ruleId', 'card')) return undefined;
      const card = cardField(fields['card']);
      if (card === false) return undefined;
      return { verb, data: { ruleId, ...card } };
    }
    case 'command': {
      const text = fields['text'];
      // Printable text only: it is parsed like a typed message, never echoed as markup.
      if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_COMMAND || hasControlCharacters(text) || !only('text', 'card')) return undefined;
      const card = cardField(fields['card']);
      if (card === false) return undefined;
      return { verb, data: { text, ...card } };
    }
    case 'rowFix': {
      if (!validRef || !only('ref', 'card')) return undefined;
      const card = cardField(fields['card']);
      if (card === false) return undefined;
      return { verb, data: { ref, ...card } };
    }
    case 'filter':
      return validRef && validSeverity && only('ref', 'minSeverity') ? { verb, data: { ref, minSeverity: severity as Severity } } : undefined;
    case 'acceptRisk': {
      const parsed = acceptRiskSubmissionSchema.safeParse(data);
      if (!parsed.success) return undefined;
      const { ref: formRef, reason, expires, ticket } = parsed.data;
      return { verb, data: { ref: formRef, reason, expires, ...(ticket === undefined ? {} : { ticket }) } };
    }
    case 'showFindings': {
      const page = fields['page'];
      if (!validRef || !only('ref', 'page', 'minSeverity') || typeof page !== 'number' || !Number.isInteger(page) || page < 1) return undefined;
      if (severity === undefined) return { verb, data: { ref, page } };
      return validSeverity ? { verb, data: { ref, page, minSeverity: severity as Severity } } : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The `card` of a button: absent or empty (a card rendered without a kept copy) is none; otherwise
 * a static card's name or a ref-sized string. False: not a card field at all.
 */
function cardField(card: unknown): { card?: string } | false {
  if (card === undefined || card === '') return {};
  return typeof card === 'string' && card.length <= MAX_REF && !hasControlCharacters(card) ? { card } : false;
}

/** Checks a ref from the caller before it goes into a card. */
export function checkRef(ref: string): string {
  if (ref.length === 0 || ref.length > MAX_REF || ref.includes('${')) {
    throw new Error(`refFor returned an unusable ref (${ref.length} chars): refs must be 1–${MAX_REF} characters without "\${"`);
  }
  return ref;
}

function hasControlCharacters(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
