import type { RuleId } from './rule-id.js';

/** A JSON object as parsed. */
type JsonObject = Record<string, unknown>;

/**
 * A fix plan: the one ARM request that fixes one finding, with what a person reviews before it is
 * sent (DESIGN.md "Remediation", CONVERSATION.md §3): the before → after diff, the preconditions as
 * the estate shows them, and the blast radius. A rule builds it from the service as last read; the
 * remediation flow re-reads the resource, plans again, and sends {@link FixRequest.body} exactly.
 */
export interface FixPlan {
  readonly ruleId: RuleId;
  /** The finding's resource: the service id, or the child id for child findings. */
  readonly resourceId: string;
  /** The rule's declared fix kind; `manual` rules have no plan. */
  readonly kind: 'safe' | 'guarded';
  /** One sentence saying what the request does ("Disable client TLS 1.0 on service 'x' …."). */
  readonly summary: string;
  readonly request: FixRequest;
  /** The before → after diff a person reviews, one entry per value the request changes. */
  readonly changes: readonly FixChange[];
  /** What must hold before the request is sent, each judged from the estate. */
  readonly preconditions: readonly FixPrecondition[];
  /** Who or what is affected when the change lands (from the rules catalog). */
  readonly blastRadius: string;
}

/** One ARM request: `{method} https://management.azure.com{path}?api-version={apiVersion}` with {@link body}. */
export interface FixRequest {
  readonly method: 'PATCH' | 'PUT';
  /** The ARM resource path: the resource id of the service, a child, or an extension resource. */
  readonly path: string;
  readonly apiVersion: string;
  /**
   * Headers the request must carry, e.g. `If-Match` with the ETag that was read: ARM requires it
   * on updates of APIs, backends, products, tenant access and portal configuration, and it makes
   * a change that raced with someone else's fail instead of overwriting theirs.
   */
  readonly headers?: Readonly<Record<string, string>>;
  /** Exactly the JSON to send. */
  readonly body: JsonObject;
}

export interface FixChange {
  /** The ARM path as evidence names it: `properties.publicNetworkAccess`, `apis/orders: properties.protocols`. */
  readonly path: string;
  /** The value today; `undefined` means absent. */
  readonly before: unknown;
  /** The value after the request; `undefined` means absent. */
  readonly after: unknown;
}

export interface FixPrecondition {
  /** What must hold, e.g. "An approved private endpoint connection exists". */
  readonly description: string;
  readonly satisfied: boolean;
  /** What the estate shows, and when unsatisfied, what to do first. */
  readonly detail: string;
  /**
   * How it is judged; absent means `judged`. `judged`: from the estate as read. `confirm`: the
   * estate cannot show it (who calls an API, whether a backend serves HTTPS), so it is unsatisfied
   * until a person confirms it. `reread`: the remediation step satisfies it by reading the resource
   * again (the ETag for `If-Match`). Neither `confirm` nor `reread` changes the request itself.
   */
  readonly judgedBy?: 'judged' | 'confirm' | 'reread';
}

/** ARM api-versions of the requests fix plans make. */

/**
 * What a rule's `planFix` returns: the plan without the fields the framework owns. The rule id and
 * the fix kind come from the rule's metadata (remediation/plan-fix.ts fills them in), so a rule
 * cannot hand out a plan of another rule or kind.
 */
export type PlannedFix = Omit<FixPlan, 'ruleId' | 'kind'>;
