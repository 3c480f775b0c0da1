import type { Report } from '../engine/report.js';
import { SEVERITIES, type Severity } from '../rules/types.js';

/** An expanded Adaptive Card 1.5, ready to attach (`application/vnd.microsoft.card.adaptive`). */
export interface AdaptiveCard {
  readonly type: 'AdaptiveCard';
  readonly version: '1.5';
  readonly body: readonly unknown[];
  readonly actions?: readonly unknown[];
  readonly [key: string]: unknown;
}

/**
 * What a ref stands for. Cards never carry evidence or resource ids the bot would have to trust:
 * the renderer asks the caller for an opaque ref and the bot keeps what it means server-side.
 */
export interface RefPayloads {
  /** A rendered report: "Show findings", paging and severity filters point at it. */
  readonly report: { readonly report: Report };
  /** One Fix button: the open failures of one rule on one service (the service or its children). */
  readonly fix: {
    readonly report: Report;
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

/** The verbs of every Action.Execute the cards carry, with their `data`. */
export type CardAction =
  | { readonly verb: 'showFindings'; readonly data: { readonly ref: string; readonly page: number; readonly minSeverity?: Severity } }
  | { readonly verb: 'filter'; readonly data: { readonly ref: string; readonly minSeverity: Severity } }
  | { readonly verb: 'fix'; readonly data: { readonly ref: string } }
  | { readonly verb: 'explain'; readonly data: { readonly ruleId: string } };

export type CardVerb = CardAction['verb'];
export const CARD_VERBS: readonly CardVerb[] = ['showFindings', 'filter', 'fix', 'explain'];

const MAX_REF = 256;
const RULE_ID = /^[A-Z][A-Z0-9]*-\d{3,4}$/;

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
      return validRef && only('ref') ? { verb, data: { ref } } : undefined;
    case 'explain': {
      const ruleId = fields['ruleId'];
      return typeof ruleId === 'string' && RULE_ID.test(ruleId) && only('ruleId') ? { verb, data: { ruleId } } : undefined;
    }
    case 'filter':
      return validRef && validSeverity && only('ref', 'minSeverity') ? { verb, data: { ref, minSeverity: severity as Severity } } : undefined;
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

/** Checks a ref from the caller before it goes into a card. */
export function checkRef(ref: string): string {
  if (ref.length === 0 || ref.length > MAX_REF || ref.includes('${')) {
    throw new Error(`refFor returned an unusable ref (${ref.length} chars): refs must be 1–${MAX_REF} characters without "\${"`);
  }
  return ref;
}
