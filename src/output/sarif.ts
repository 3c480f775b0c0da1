import { hash } from 'node:crypto';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { Report } from '../engine/report.js';
import type { RuleResult } from '../contracts/results.js';
import type { AnyRule, Severity } from '../rules/types.js';
import { plural } from '../util/text.js';
import { jsonChunks, LazyArray } from './json-stream.js';
import { failureTitles, formatEvidence } from './values.js';

export interface SarifOptions {
  /** The artifact findings point at (the estate file), relative to the repository root. */
  readonly artifactUri: string;
  /** Line of a resource in the artifact, so code scanning can show the finding in context. */
  readonly lineOf?: (resourceId: string) => number | undefined;
  readonly rules: readonly AnyRule[];
  /** One line, no indentation (default: indented by two spaces). */
  readonly compact?: boolean;
}

/** GitHub code scanning orders alerts by this 0–10 score (critical ≥ 9, high ≥ 7, medium ≥ 4). */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };

/**
 * SARIF 2.1.0 for pipelines and GitHub code scanning: failing results (exempted ones as accepted
 * suppressions), rule metadata with help text, `error` results as error notifications and rules
 * not checked as note notifications.
 *
 * Not checked is deliberately not a `result`: the nearest kind, `open` ("insufficient information
 * to decide"), is treated like `fail` by code scanning and other consumers, so a run without
 * --deep would raise an alert per unread rule and service. It is not `notApplicable` either — the
 * rule applies. A run-level notification per rule (`associatedRule`) tells the reader which rules
 * the run could not judge, without inventing findings; `properties.coverage` carries the numbers.
 */
export function formatSarif(report: Report, options: SarifOptions): string {
  return [...sarifChunks(report, options)].join('');
}

/**
 * {@link formatSarif} in pieces, for reports too large to be one string: notifications and results
 * are made while they are written, never held as a whole.
 */
export function* sarifChunks(report: Report, options: SarifOptions): Generator<string> {
  const selected = new Set(report.rules.map((r) => r.id));
  const rules = options.rules.filter((rule) => selected.has(rule.meta.id));
  const ruleIndex = new Map(rules.map((rule, index) => [rule.meta.id, index]));
  const titles = failureTitles(report);
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'apim-posture',
            version: report.tool.version,
            informationUri: 'https://learn.microsoft.com/azure/api-management/security-controls-policy',
            rules: rules.map(toDescriptor),
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            endTimeUtc: report.generatedAt,
            toolExecutionNotifications: new LazyArray(function* () {
              for (const r of report.results) {
                if (r.outcome === 'error') yield { level: 'error' as const, message: { text: `${r.ruleId} on ${r.resourceId}: ${r.reason}` } };
              }
              yield* report.notCheckedRules.map((rule) => {
                const index = ruleIndex.get(rule.ruleId);
                const where = plural(rule.services, 'service');
                return {
                  level: 'note' as const,
                  message: { text: `${rule.ruleId} was not checked on ${where} (the data it needs was not read): ${rule.reason}` },
                  associatedRule: { id: rule.ruleId, ...(index === undefined ? {} : { index }) },
                  properties: { outcome: 'notChecked', services: rule.services },
                };
              });
            }),
          },
        ],
        properties: {
          score: report.summary.score,
          coverage: report.summary.coverage,
          notChecked: report.summary.notChecked,
          // Live audits: what was read and from where, so a sandbox run is never taken for Azure.
          ...(report.scope === undefined ? {} : { scope: report.scope.echo, target: report.scope.target, targetKind: report.scope.targetKind }),
        },
        results: new LazyArray(function* (): Generator<Result> {
          for (const r of report.results) {
            if (r.outcome === 'fail') yield toResult(r, ruleIndex.get(r.ruleId) ?? -1, titles.get(r.ruleId) ?? r.title, options);
          }
        }),
        columnKind: 'utf16CodeUnits',
      },
    ],
  } satisfies Omit<Log, 'runs'> & { runs: unknown[] };
  // Opened down to the results (log → runs → run → results); results, and deeper values, are written whole.
  yield* jsonChunks(log, { indent: options.compact === true ? 0 : 2, openDepth: 4 });
  yield '\n';
}

function toDescriptor(rule: AnyRule): ReportingDescriptor {
  const { meta } = rule;
  const { docs } = meta;
  return {
    id: meta.id,
    name: pascalCase(meta.title),
    shortDescription: { text: meta.title },
    fullDescription: { text: docs.synopsis },
    help: {
      text: `${docs.description}\n\nRecommendation: ${docs.recommendation}`,
      markdown: `${docs.description}\n\n**Recommendation.** ${docs.recommendation}\n\n**How it is checked.** ${docs.howChecked}`,
    },
    ...(docs.links[0] === undefined ? {} : { helpUri: docs.links[0].url }),
    defaultConfiguration: { level: LEVEL[meta.severity] },
    properties: {
      tags: [...new Set(['security', meta.category, meta.pillar])],
      precision: 'high',
      'security-severity': SECURITY_SEVERITY[meta.severity],
      'problem.severity': LEVEL[meta.severity] === 'note' ? 'recommendation' : LEVEL[meta.severity],
    },
  };
}

function toResult(result: RuleResult, ruleIndex: number, failureTitle: string, options: SarifOptions): Result {
  const evidence = result.evidence.map((e) => formatEvidence(e));
  const line = options.lineOf?.(result.resourceId) ?? options.lineOf?.(result.serviceId);
  return {
    ruleId: result.ruleId,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: LEVEL[result.severity],
    // The first line names the problem; the rule (shortDescription) states the secure condition.
    message: { text: [failureTitle, result.reason, ...evidence].join('\n') },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: options.artifactUri },
          region: { startLine: line ?? 1 },
        },
        logicalLocations: [{ fullyQualifiedName: result.resourceId, kind: 'resource' }],
      },
    ],
    // Stable across runs so code scanning tracks one alert per rule and resource.
    partialFingerprints: { 'apimPostureFinding/v1': fingerprint(result) },
    ...(result.exemption !== undefined && !result.exemption.expired
      ? { suppressions: [{ kind: 'external' as const, status: 'accepted' as const, justification: `${result.exemption.reason} (until ${result.exemption.expires})` }] }
      : {}),
    properties: { resourceId: result.resourceId, serviceId: result.serviceId, severity: result.severity, fix: result.fix?.kind },
  };
}

function fingerprint(result: RuleResult): string {
  // One-shot hashing: a hasher object per finding costs twice as much on large estates.
  return hash('sha256', `${result.ruleId}|${result.resourceId.toLowerCase()}`, 'hex').slice(0, 32);
}

function pascalCase(title: string): string {
  return title
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}
