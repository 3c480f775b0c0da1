import type { z } from 'zod';
import type { PlannedFix } from '../contracts/fix-plan.js';
import type { Evidence, FixKind, Outcome, RuleResult, Severity } from '../contracts/results.js';
import type { RuleId } from '../contracts/rule-id.js';
import type { ApimService, ChildKind } from '../estate/model.js';

// The results contract lives in contracts/; rules name these types so often that they are re-exported here.
export type { Evidence, FixKind, Outcome, RuleId, Severity };
export { SEVERITIES } from '../contracts/results.js';

export type Category =
  | 'encryption'
  | 'identity'
  | 'network'
  | 'resilience'
  | 'governance'
  | 'api-security'
  | 'secrets'
  | 'logging'
  | 'threat-protection'
  | 'developer-portal';

export type Pillar = 'security' | 'reliability' | 'operational-excellence';

/** A rule's upstream identities, one list per source, as the catalog's Sources column gives them. */
export interface RuleSources {
  readonly psrule?: readonly string[];
  readonly azurePolicy?: readonly string[];
  readonly azqr?: readonly string[];
  readonly aprl?: readonly string[];
  readonly checkov?: readonly string[];
  readonly conformity?: readonly string[];
  readonly mcsb?: readonly string[];
}

export interface RuleDocExample {
  readonly title: string;
  readonly language: 'json' | 'bash' | 'bicep' | 'xml';
  readonly code: string;
}

/** Rule documentation in PSRule's sections; rendered for `explain`, cards and docs/rules/. */
export interface RuleDocs {
  readonly synopsis: string;
  readonly description: string;
  readonly recommendation: string;
  /** How the check reads the data: property paths and what an absent value means. */
  readonly howChecked: string;
  /** When the rule says "not applicable", and why. */
  readonly notApplicableWhen?: string;
  readonly examples: readonly RuleDocExample[];
  /** Known false results, platform constraints, blast radius of the fix. */
  readonly notes?: string;
  readonly links: readonly { readonly title: string; readonly url: string }[];
}

export interface RuleMeta {
  /** Stable id `APIM-NNN`; never renumbered or reused. */
  readonly id: RuleId;
  /** States the secure condition ("Legacy TLS/SSL protocols are disabled"). */
  readonly title: string;
  /**
   * Names the problem when the rule fails ("TLS 1.0/1.1 or SSL 3.0 enabled"): a short noun phrase,
   * at most 40 characters, no full stop. Findings lists lead with it; docs and explain keep `title`.
   */
  readonly failureTitle: string;
  readonly severity: Severity;
  readonly category: Category;
  readonly pillar: Pillar;
  /**
   * Child or extension resources the rule reads besides the service row. Empty: the ARG row of the
   * service is enough.
   */
  readonly needs: readonly ChildKind[];
  readonly fix: FixKind;
  readonly sources: RuleSources;
  readonly docs: RuleDocs;
}

/**
 * A value, or a function that renders it. Rules give reasons and evidence as functions wherever
 * building them costs anything: the engine renders them only for the results a report keeps, and
 * an audit of a hundred thousand services keeps few of its millions of passes.
 */
export type Lazy<T> = T | (() => T);

/**
 * What a rule's evaluate returns: one verdict, optionally about a child resource. The outcome is
 * decided in evaluate; the reason and evidence are rendered later, from the service as it was
 * judged, and must not depend on anything else (the render may run after other verdicts).
 */
export interface Verdict {
  readonly outcome: Outcome;
  readonly reason: Lazy<string>;
  readonly evidence: Lazy<readonly Evidence[]>;
  /** Defaults to the service id; set for verdicts about one child resource. */
  readonly resourceId?: string;
}

/** Engine-wide facts a rule may use; nothing here reads a clock or the network. */
export interface RuleContext<Options> {
  readonly now: Date;
  readonly options: Options;
}

export interface Rule<Options = Record<string, never>> {
  readonly meta: RuleMeta;
  /** Option schema with defaults; configuration is validated against it before a run. */
  readonly options?: z.ZodType<Options>;
  readonly evaluate: (service: ApimService, context: RuleContext<Options>) => Verdict | readonly Verdict[];
  /**
   * The fix plan for a failing result of this rule (rules whose `meta.fix` is `safe` or `guarded`
   * only; `remediation/plan-fix.ts` refuses anything else). `service` is the service as last read;
   * a child finding's child is the one in `service.children` whose id is `result.resourceId`.
   * Returns `undefined` when the service as read leaves nothing to change. Pure, like `evaluate`.
   * The rule id and fix kind of the plan come from {@link RuleMeta}; the framework fills them in.
   */
  readonly planFix?: (service: ApimService, result: RuleResult, context: RuleContext<Options>) => PlannedFix | undefined;
}

/** A rule with its option type erased, as the registry and engine hold it. */
export type AnyRule = Rule<never>;
