import type { z } from 'zod';
import type { RuleResult } from '../engine/result.js';
import type { ApimService, ChildKind } from '../estate/model.js';
import type { FixPlan } from '../remediation/fix-plan.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

export type Outcome = 'pass' | 'fail' | 'notApplicable' | 'error';

/** `safe`: automatic PATCH; `guarded`: PATCH after a precondition check or opt-in; `manual`: a person. */
export type FixKind = 'safe' | 'guarded' | 'manual';

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
  readonly id: string;
  /** States the secure condition ("Legacy TLS/SSL protocols are disabled"). */
  readonly title: string;
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

/** One piece of evidence: where we looked, what we found, what would be compliant. */
export interface Evidence {
  readonly path: string;
  /** `undefined` means the value is absent; {@link note} then says what the platform does. */
  readonly actual: unknown;
  readonly expected: unknown;
  readonly note?: string;
}

/** What a rule's evaluate returns: one verdict, optionally about a child resource. */
export interface Verdict {
  readonly outcome: Outcome;
  readonly reason: string;
  readonly evidence: readonly Evidence[];
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
   */
  readonly planFix?: (service: ApimService, result: RuleResult, context: RuleContext<Options>) => FixPlan | undefined;
}

/** A rule with its option type erased, as the registry and engine hold it. */
export type AnyRule = Rule<never>;
