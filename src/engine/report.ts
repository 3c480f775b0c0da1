import type { EstateStats } from '../estate/model.js';
import type { Category, FixKind, RuleId, Severity } from '../rules/types.js';
import type { RuleResult } from '../contracts/results.js';

export interface SeverityCounts {
  readonly critical: number;
  readonly high: number;
  readonly medium: number;
  readonly low: number;
}

/** Counts over (service, rule) pairs: one failing rule on one service is one finding. */
export interface StandingCounts {
  readonly failed: SeverityCounts;
  readonly exempted: number;
  readonly passed: number;
  readonly notApplicable: number;
  /** Rules that apply but whose data was not read (not a deep audit) or could not be read completely. */
  readonly notChecked: number;
  readonly errors: number;
}

/**
 * How much of a score stands on judged rules, over (service, rule) pairs: `checked` passed, failed
 * or were exempted; `applicable` adds the rules that apply but were not checked or errored.
 * `checked < applicable` means the score is not complete.
 */
export interface RuleCoverage {
  readonly checked: number;
  readonly applicable: number;
}

/** A rule that applies but whose data was not read on some services (not deep, or a listing failed). */
export interface NotCheckedRule {
  readonly ruleId: RuleId;
  /** Services where the rule applies and was not checked. */
  readonly services: number;
  /** The reason given on the first of those services, naming what was not read. */
  readonly reason: string;
}

export interface ServiceReport {
  readonly id: string;
  readonly name: string;
  readonly subscriptionId: string | undefined;
  readonly resourceGroup: string | undefined;
  readonly location: string | undefined;
  readonly sku: string | undefined;
  /** 0–100, or null when no rule could be judged (see score.ts for the formula). */
  readonly score: number | null;
  /** How many applicable rules the score stands on. */
  readonly coverage: RuleCoverage;
  readonly counts: StandingCounts;
}

export interface ReportRule {
  readonly id: RuleId;
  /** The secure condition, as the rule's docs state it. */
  readonly title: string;
  /** The problem, named for findings lists: what a failing result of this rule means. */
  readonly failureTitle: string;
  readonly severity: Severity;
  readonly category: Category;
  readonly fix: FixKind;
}

/** What an audit covered, echoed in every output so nobody fixes the wrong estate. */
export interface ReportScope {
  /** "prod = 3 subscriptions (payments-prod, …), tag env or environment = prod, 12 services". */
  readonly echo: string;
  /** Where the data came from: "sandbox (local emulator)", "Azure (DefaultAzureCredential)". */
  readonly target: string;
  /** Whether that was Azure or the local sandbox, for machine formats and banners (absent in older reports). */
  readonly targetKind?: 'azure' | 'sandbox';
}

/** A partial report says what was not audited and why. */
export interface ReportCoverage {
  readonly complete: boolean;
  readonly notes: readonly string[];
}

export interface Report {
  readonly tool: { readonly name: 'apim-posture'; readonly version: string };
  readonly generatedAt: string;
  /** Where the estate came from, e.g. a file path; shown in every output so nobody audits the wrong estate. */
  readonly source: string;
  readonly rules: readonly ReportRule[];
  readonly summary: { readonly score: number | null; readonly services: number; readonly coverage: RuleCoverage } & StandingCounts;
  /**
   * Rules not checked somewhere, by rule, whatever results the report keeps: outputs that show only
   * findings still say what was not looked at.
   */
  readonly notCheckedRules: readonly NotCheckedRule[];
  /** Worst first: lowest score, then most critical failures. */
  readonly services: readonly ServiceReport[];
  readonly results: readonly RuleResult[];
  /**
   * `findings` when `results` lists only failures (exempted ones included) and errors: passes,
   * not-applicable and not-checked outcomes are counted in the summary and per service but not
   * listed. Absent when every result is listed.
   */
  readonly resultsKept?: 'findings';
  readonly estate: EstateStats;
  readonly scope?: ReportScope;
  readonly coverage?: ReportCoverage;
}
