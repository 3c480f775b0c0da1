import type { Report, ServiceReport } from '../engine/report.js';
import type { RuleResult } from '../contracts/results.js';
import { failureTitles, formatCoverage } from '../output/values.js';
import { ALL_RULES } from '../rules/index.js';
import type { AnyRule, Severity } from '../rules/types.js';
import {
  childName,
  findingGroups,
  fixKinds,
  isChild,
  keepsPassing,
  resultsByService,
  scopeNameOf,
  severityFilterWords,
  type FindingGroup,
} from './report-view.js';
import { noFindingsText } from './summary.js';
import { CARD_BUDGET_BYTES, cardBytes, CardRenderError, expand } from './templates.js';
import {
  clip,
  countRun,
  evidenceLine,
  leadingSentences,
  SEVERITY_COLOR,
  SEVERITY_LABEL,
  scoreColor,
  scoreText,
  type CardColor,
  type CountRun,
} from './text.js';
import { checkRef, type AdaptiveCard, type CardOrigin, type RefFor } from './types.js';
import { plural } from '../util/text.js';

export interface FindingsOptions {
  /** 1-based page of services; out-of-range pages are clamped. Default 1. */
  readonly page?: number;
  /** Services per page; default 5. */
  readonly pageSize?: number;
  /** Only findings of this severity or worse ("Only critical + high" is `high`). */
  readonly minSeverity?: Severity;
  readonly refFor: RefFor;
  /** Rule docs for each finding's recommendation; default ALL_RULES. */
  readonly rules?: readonly AnyRule[];
  /** Short scope name for the context line; default from the report's scope echo. */
  readonly scopeName?: string;
  /** Byte budget per card (UTF-16, see cardBytes); default 28 KB. */
  readonly budgetBytes?: number;
}

export interface FindingsPage {
  /** One card per service, worst first; a service too large for one card continues on the next. */
  readonly cards: readonly AdaptiveCard[];
  /** The service each card shows, by position ('' for the "no findings" message). */
  readonly serviceIds: readonly string[];
  /** Byte size of each card, as {@link cardBytes} counts it. */
  readonly bytes: readonly number[];
  readonly page: number;
  readonly pageCount: number;
  readonly pageSize: number;
  /** Services with at least one finding that passes the filter. */
  readonly totalServices: number;
  /** 1-based positions of the first and last service shown (0 and 0 when none). */
  readonly from: number;
  readonly to: number;
  readonly nextPage: number | undefined;
}

export const DEFAULT_PAGE_SIZE = 5;
const MAX_PAGE_SIZE = 25;
/** Longest service name and sku/location/resource group part a card shows (ARM names are at most 50 characters). */
const SERVICE_NAME_CHARS = 80;
const WHERE_PART_CHARS = 60;

/** How much of each finding a card shows; level 0 first, then terser levels when a card is too large. */
interface Detail {
  readonly items: number;
  readonly evidence: number;
  readonly evidenceLine: number;
  readonly evidenceValue: number;
  readonly reason: number;
  readonly recommendation: number;
  readonly names: number;
  /** Name each shown child above its reason (the summary line names them anyway). */
  readonly itemNames: boolean;
}

const DETAIL: readonly Detail[] = [
  { items: 3, evidence: 3, evidenceLine: 220, evidenceValue: 120, reason: 320, recommendation: 300, names: 5, itemNames: true },
  { items: 2, evidence: 2, evidenceLine: 160, evidenceValue: 80, reason: 220, recommendation: 200, names: 4, itemNames: true },
  { items: 1, evidence: 1, evidenceLine: 130, evidenceValue: 60, reason: 180, recommendation: 140, names: 3, itemNames: false },
];
/** The level continuation cards use when one card cannot hold a service even at the tersest level. */
const SPLIT_LEVEL = DETAIL.length - 1;
/** Findings per card shown with their details open; later ones open on "Details". */
const EXPANDED_FINDINGS = 2;
const SHORTENED_NOTE = 'Some details are shortened to fit a Teams card: "explain <rule>" describes each rule, and the apim-posture command-line tool lists every result in full.';

interface PagerModel {
  readonly show: boolean;
  readonly text: string;
  readonly hasPrev: boolean;
  readonly prevTitle: string;
  readonly prevData: object;
  readonly hasNext: boolean;
  readonly nextTitle: string;
  readonly nextData: object;
}

const NO_PAGER: PagerModel = { show: false, text: '', hasPrev: false, prevTitle: '', prevData: {}, hasNext: false, nextTitle: '', nextData: {} };

interface Context {
  readonly report: Report;
  readonly refFor: RefFor;
  /** Rule id → the rule's docs.recommendation: the fix advice a finding carries. */
  readonly recommendations: ReadonlyMap<string, string>;
  readonly contextLine: string;
  readonly budget: number;
}

/**
 * The "Show findings" answer: one card per service with findings, worst first, a page at a time.
 * Every card stays within the byte budget: a card first shortens evidence and reasons, then splits
 * the service over continuation cards, so no finding is silently dropped.
 */
export function serviceFindingCards(report: Report, options: FindingsOptions): FindingsPage {
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(options.pageSize ?? DEFAULT_PAGE_SIZE)));
  const budget = options.budgetBytes ?? CARD_BUDGET_BYTES;
  const byService = resultsByService(report);
  const groupOptions = { minSeverity: options.minSeverity, keepsPassing: keepsPassing(report), fixes: fixKinds(report), failureTitles: failureTitles(report) };
  const entries = report.services
    .map((service) => ({ service, groups: findingGroups(byService.get(service.id) ?? [], groupOptions) }))
    .filter((entry) => entry.groups.length > 0);
  const total = entries.length;
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(pageCount, Math.max(1, Math.floor(options.page ?? 1)));
  const filterWords = options.minSeverity === undefined ? undefined : severityFilterWords(options.minSeverity);
  const scopeName = options.scopeName ?? scopeNameOf(report);

  if (total === 0) {
    const card = expand('message', {
      fallbackText: 'No findings.',
      icon: '✔',
      color: 'Good',
      text: noFindingsText(report.coverage?.complete === false, report.summary.notChecked, `${filterWords === undefined ? '' : ` (${filterWords})`} in ${scopeName}`),
      hasSuggestion: false,
      suggestion: '',
    });
    return { cards: [card], serviceIds: [''], bytes: [cardBytes(card)], page: 1, pageCount: 1, pageSize, totalServices: 0, from: 0, to: 0, nextPage: undefined };
  }

  const start = (page - 1) * pageSize;
  const shown = entries.slice(start, start + pageSize);
  const from = start + 1;
  const to = start + shown.length;
  const filterData = options.minSeverity === undefined ? {} : { minSeverity: options.minSeverity };
  const quiet = report.services.length - total;
  // The pager sits on the page's last card and travels with that card's ref.
  const pagerFor = (ref: string): PagerModel => ({
    show: true,
    text:
      `Showing ${shown.length} of ${plural(total, 'service')}${filterWords === undefined ? ' with findings' : ` with ${filterWords} findings`} (${from}–${to}), worst first` +
      (quiet > 0 ? ` · ${quiet} more without any` : ''),
    hasPrev: page > 1,
    prevTitle: `Previous ${pageSize}`,
    prevData: { ref, page: page - 1, ...filterData },
    hasNext: page < pageCount,
    nextTitle: `Next ${Math.min(pageSize, total - to)}`,
    nextData: { ref, page: page + 1, ...filterData },
  });
  const context: Context = {
    report,
    refFor: options.refFor,
    recommendations: new Map((options.rules ?? ALL_RULES).map((rule) => [rule.meta.id, rule.meta.docs.recommendation])),
    contextLine: [`APIM posture · ${scopeName}`, report.generatedAt.slice(0, 10), ...(filterWords === undefined ? [] : [`${filterWords} only`])].join(' · '),
    budget,
  };
  const cards: AdaptiveCard[] = [];
  const serviceIds: string[] = [];
  shown.forEach((entry, index) => {
    const origin: CardOrigin = { view: 'findings', page, ...filterData, serviceId: entry.service.id };
    const cardRef = checkRef(options.refFor('report', { report, origin }));
    const last = index === shown.length - 1;
    const serviceCardList = serviceCards(context, entry.service, entry.groups, origin, cardRef, last ? pagerFor(cardRef) : NO_PAGER);
    cards.push(...serviceCardList);
    for (let n = 0; n < serviceCardList.length; n += 1) serviceIds.push(entry.service.id);
  });
  return { cards, serviceIds, bytes: cards.map(cardBytes), page, pageCount, pageSize, totalServices: total, from, to, nextPage: page < pageCount ? page + 1 : undefined };
}

/** A group's display data that does not depend on the detail level (the Fix ref is asked for once). */
interface PreparedGroup {
  readonly group: FindingGroup;
  /** The open finding's ref (Fix when fixable, Accept risk always); undefined when nothing is open. */
  readonly findingRef: string | undefined;
  /** The most severe findings show their details; the rest fold them behind a toggle so a card stays short. */
  readonly expanded: boolean;
}

function serviceCards(
  context: Context,
  service: ServiceReport,
  groups: readonly FindingGroup[],
  origin: CardOrigin,
  cardRef: string,
  pager: PagerModel,
): AdaptiveCard[] {
  const prepared = groups.map((group, index): PreparedGroup => ({ group, findingRef: findingRefFor(context, service, group, origin), expanded: index < EXPANDED_FINDINGS }));
  const fixAll = fixAllModel(context, service, groups, origin);
  const render = (chunk: readonly PreparedGroup[], level: number, part: string, cardPager: PagerModel, note: boolean): AdaptiveCard =>
    expand('service-findings', { ...serviceModel(context, service, chunk, level, part, cardPager, note, cardRef), fixAll });
  const fits = (card: AdaptiveCard): boolean => cardBytes(card) <= context.budget;

  for (let level = 0; level < DETAIL.length; level += 1) {
    const card = render(prepared, level, '', pager, level > 0);
    if (fits(card)) return [card];
  }

  // Too much for one card: continuation cards at the tersest level; measured with the longest part
  // label and the pager, so the final labels can only make a card smaller.
  const placeholder = '  (part 99 of 99)';
  const chunks: PreparedGroup[][] = [];
  let current: PreparedGroup[] = [];
  for (const group of prepared) {
    const candidate = [...current, group];
    if (fits(render(candidate, SPLIT_LEVEL, placeholder, pager, true))) {
      current = candidate;
      continue;
    }
    if (current.length > 0) chunks.push(current);
    current = [group];
    if (!fits(render(current, SPLIT_LEVEL, placeholder, pager, true))) {
      throw new CardRenderError(`finding ${group.group.ruleId} on ${clip(service.name, SERVICE_NAME_CHARS)} does not fit a card of ${context.budget} bytes`);
    }
  }
  if (current.length > 0) chunks.push(current);
  return chunks.map((chunk, index) =>
    render(chunk, SPLIT_LEVEL, `  (part ${index + 1} of ${chunks.length})`, index === chunks.length - 1 ? pager : NO_PAGER, true),
  );
}

/**
 * "Fix all (n)" on a service with two or more open findings that have an automatic fix: one
 * confirmation, and one request where they change the same object. Which fix kinds go in is the
 * remediation policy's decision, made when the button is clicked.
 */
function fixAllModel(context: Context, service: ServiceReport, groups: readonly FindingGroup[], origin: CardOrigin): { show: boolean; title: string; ref: string } {
  const fixable = groups.filter((group) => group.open.length > 0 && (group.fix === 'safe' || group.fix === 'guarded')).length;
  if (fixable < 2) return { show: false, title: '', ref: '' };
  return { show: true, title: `Fix all (${fixable})`, ref: checkRef(context.refFor('fixAll', { report: context.report, origin, serviceId: service.id, serviceName: service.name })) };
}

/**
 * The ref of an open finding: Fix uses it when the rule has an automatic fix, Accept risk always.
 * One meaning, so both buttons share one ref.
 */
function findingRefFor(context: Context, service: ServiceReport, group: FindingGroup, origin: CardOrigin): string | undefined {
  if (group.open.length === 0) return undefined;
  return checkRef(
    context.refFor('fix', {
      report: context.report,
      origin,
      serviceId: service.id,
      serviceName: service.name,
      ruleId: group.ruleId,
      resourceIds: group.open.map((result) => result.resourceId),
    }),
  );
}

function serviceModel(
  context: Context,
  service: ServiceReport,
  groups: readonly PreparedGroup[],
  level: number,
  part: string,
  pager: PagerModel,
  note: boolean,
  cardRef: string,
): object {
  const detail = DETAIL[level] ?? DETAIL[DETAIL.length - 1] ?? DETAIL[0];
  if (detail === undefined) throw new CardRenderError('no detail levels');
  const failing = service.counts.failed;
  const open = failing.critical + failing.high + failing.medium + failing.low;
  // Names come from the estate; a hostile one (megabytes long) must not push every card over budget.
  const name = clip(service.name, SERVICE_NAME_CHARS);
  return {
    fallbackText: `${name}: score ${scoreText(service.score)} (${formatCoverage(service.coverage)}), ${plural(open, 'failing rule')}`,
    context: context.contextLine,
    name,
    part,
    score: scoreText(service.score),
    scoreColor: scoreColor(service.score),
    checked: formatCoverage(service.coverage),
    where: [service.sku, service.location, service.resourceGroup]
      .filter((x): x is string => x !== undefined && x !== '')
      .map((x) => clip(x, WHERE_PART_CHARS))
      .join(' · '),
    counts: serviceCounts(service),
    findings: groups.map((prepared, index) => findingModel(context, prepared, detail, cardRef, index)),
    hasNote: note,
    note: note ? SHORTENED_NOTE : '',
    pager,
  };
}

function serviceCounts(service: ServiceReport): object[] {
  const c = service.counts;
  const runs: CountRun[] = [];
  for (const severity of ['critical', 'high', 'medium', 'low'] as const) {
    if (c.failed[severity] > 0) runs.push(countRun(`${SEVERITY_LABEL[severity]} ${c.failed[severity]}`, SEVERITY_COLOR[severity], 'Bolder'));
  }
  if (runs.length === 0) runs.push(countRun('No failing rules', 'Good', 'Bolder'));
  if (c.exempted > 0) runs.push(countRun(`Exempted ${c.exempted}`, 'Accent'));
  if (c.errors > 0) runs.push(countRun(`Errors ${c.errors}`, 'Warning', 'Bolder'));
  runs.push(countRun(`Passed ${c.passed}`, 'Default'));
  // Quieter than any failure: data not read, or a rule that does not apply, is not a finding.
  if (c.notChecked > 0) runs.push(countRun(`Not checked ${c.notChecked}`, 'Default', 'Default', true));
  runs.push(countRun(`Not applicable ${c.notApplicable}`, 'Default', 'Default', true));
  return runs.map((run, index) => ({ ...run, text: index < runs.length - 1 ? `${run.text} · ` : run.text }));
}

function findingModel(context: Context, prepared: PreparedGroup, detail: Detail, cardRef: string, index: number): object {
  const { group, findingRef, expanded } = prepared;
  const shown = [...group.open, ...group.errors, ...group.exempted];
  const items = shown.slice(0, detail.items).map((result) => itemModel(result, group.onChildren, detail));
  const rest = shown.length - items.length;
  const recommendation = leadingSentences(context.recommendations.get(group.ruleId) ?? '', detail.recommendation);
  const [badge, badgeColor] = badgeOf(group);
  // Failures (open or exempted) are named as the problem; a group of errors only keeps the rule's title.
  const failing = group.open.length + group.exempted.length > 0;
  return {
    badge,
    badgeColor,
    ruleId: group.ruleId,
    title: clip(failing ? group.failureTitle : group.title, 160),
    hasChildren: group.onChildren,
    children: group.onChildren ? childrenLine(group, detail.names) : '',
    items,
    hasMore: rest > 0,
    more: rest > 0 ? `… and ${rest} more${group.onChildren ? ` ${group.childLabel}` : ''}` : '',
    hasRecommendation: recommendation !== '',
    recommendation,
    hasFix: findingRef !== undefined && (group.fix === 'safe' || group.fix === 'guarded'),
    hasRisk: findingRef !== undefined,
    fixRef: findingRef ?? '',
    cardRef,
    detailsId: `details-${index}`,
    expanded,
    collapsed: !expanded,
  };
}

function badgeOf(group: FindingGroup): [string, CardColor] {
  if (group.open.length > 0) return [`● ${SEVERITY_LABEL[group.severity]}`, SEVERITY_COLOR[group.severity]];
  if (group.errors.length > 0) return ['⚠ Error', 'Warning'];
  return [`○ Exempted (${SEVERITY_LABEL[group.severity]})`, 'Accent'];
}

/** "3 of 7 APIs fail: orders, refunds, payments, …" (or "APIs failing: 3" without the total). */
function childrenLine(group: FindingGroup, names: number): string {
  const children = (list: readonly RuleResult[]): RuleResult[] => list.filter(isChild);
  const open = children(group.open);
  const exempted = children(group.exempted);
  const errors = children(group.errors);
  const listed = open.length > 0 ? open : exempted.length > 0 ? exempted : errors;
  const nameList = listed.slice(0, names).map((result) => childName(result.serviceId, result.resourceId).name);
  const namesText = `${nameList.join(', ')}${listed.length > names ? ', …' : ''}`;
  const total = group.childTotal;
  const parts: string[] = [];
  if (open.length > 0) parts.push(total === undefined ? `${group.childLabel} failing: ${open.length}` : `${open.length} of ${total} ${group.childLabel} fail`);
  if (exempted.length > 0) parts.push(open.length > 0 ? `${exempted.length} exempted` : `${exempted.length}${total === undefined ? '' : ` of ${total}`} ${group.childLabel} exempted`);
  if (errors.length > 0) parts.push(`${errors.length} could not be checked`);
  return clip(`${parts.join(' · ')}: ${namesText}`, 300);
}

function itemModel(result: RuleResult, onChildren: boolean, detail: Detail): object {
  const name = detail.itemNames && onChildren && isChild(result) ? clip(childName(result.serviceId, result.resourceId).path, 120) : '';
  const evidence = result.evidence
    .slice(0, detail.evidence)
    .map((item) => ({ text: evidenceLine(item, { line: detail.evidenceLine, value: detail.evidenceValue }) }));
  const hidden = result.evidence.length - evidence.length;
  if (hidden > 0) evidence.push({ text: `… ${hidden} more evidence` });
  const [marker, markerColor] = markerOf(result);
  return {
    hasName: name !== '',
    name,
    reason: clip(result.reason, detail.reason),
    hasMarker: marker !== '',
    marker,
    markerColor,
    evidence,
  };
}

function markerOf(result: RuleResult): [string, CardColor] {
  const exemption = result.exemption;
  if (result.outcome !== 'fail' || exemption === undefined) return ['', 'Default'];
  const who = [exemption.owner, exemption.ticket].filter((x) => x !== undefined && x !== '').join(', ');
  const reason = clip(exemption.reason, 160);
  return exemption.expired
    ? [`Exemption expired ${exemption.expires} (${reason}): the finding counts again.`, 'Warning']
    : [`Exempted until ${exemption.expires}: ${reason}${who === '' ? '' : ` (${who})`}`, 'Accent'];
}

/**
 * A finding card rendered again exactly as it was posted (same page, filter and service), for the
 * answer to a click on it: the card the rule's Fix or Explain sat on, or the page's last card for
 * its pager. Undefined when the report no longer has that card.
 */
export function findingCardAgain(
  report: Report,
  origin: Extract<CardOrigin, { view: 'findings' }>,
  anchor: { readonly ruleId: string } | 'pager',
  refFor: RefFor,
): AdaptiveCard | undefined {
  const page = serviceFindingCards(report, { page: origin.page, ...(origin.minSeverity === undefined ? {} : { minSeverity: origin.minSeverity }), refFor });
  const candidates = page.cards.filter((_, index) => page.serviceIds[index] === origin.serviceId);
  if (anchor === 'pager') return candidates.at(-1);
  return candidates.find((card) => cardNamesRule(card, anchor.ruleId));
}

/** Whether one of the card's findings is the rule (its Explain button names it). */
function cardNamesRule(card: unknown, ruleId: string): boolean {
  if (Array.isArray(card)) return card.some((entry) => cardNamesRule(entry, ruleId));
  if (typeof card !== 'object' || card === null) return false;
  const node = card as Record<string, unknown>;
  if (node['verb'] === 'explain' && (node['data'] as Record<string, unknown> | undefined)?.['ruleId'] === ruleId) return true;
  return Object.values(node).some((entry) => cardNamesRule(entry, ruleId));
}
