import { formatValue, shortenPath } from '../output/values.js';
import { SEVERITIES, type RuleMeta, type Severity } from '../rules/types.js';
import { wholeLines } from './code-lines.js';
import { cardBytes, CARD_BUDGET_BYTES, firstThatFits } from './templates.js';
import { clip, SEVERITY_COLOR, SEVERITY_LABEL } from './text.js';
import type { AdaptiveCard } from './types.js';
import { plural } from '../util/text.js';

export interface FixChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** One request of a Fix answer, whole: the card shows it as it is or says it does not fit, never cut. */
export interface FixRequestShown {
  readonly method: string;
  /** The whole URL, api-version included. */
  readonly url: string;
  /** The request as sent: headers, a blank line, the body as indented JSON. */
  readonly text: string;
  /** The `az rest` command that sends it, when there is a ready one. */
  readonly command?: string;
  /** What to know about this request: redacted values, an If-Match to fill in. */
  readonly notes: readonly string[];
}

export interface FixAnswerModel {
  /** The rule of the finding being fixed; the card names the finding by its failure title. */
  readonly rule: Pick<RuleMeta, 'id' | 'title' | 'severity' | 'failureTitle'>;
  readonly serviceName: string;
  /** Several findings fixed together ("Fix all safe"): the card names them all; `rule` is the first. */
  readonly together?: readonly Pick<RuleMeta, 'id' | 'severity' | 'failureTitle'>[];
  /** What is changed, as people read it: "apim-payments-weu (payments-prod / rg-payments)"; default the service name. */
  readonly resource?: string;
  readonly scopeName?: string;
  readonly changes: readonly FixChange[];
  readonly requests?: readonly FixRequestShown[];
  /**
   * Where a request too large for the card is printed whole, e.g. "apim-posture plan APIM-030
   * 'apim-x'": the card says so rather than cut the request.
   */
  readonly wholePlanCommand?: string;
  /** Blast radius and other things to know before applying. */
  readonly note?: string;
  /**
   * A confirmation: Apply and Cancel, each behind a single-use ref bound to the person who asked.
   * Without it the card is a plan to apply by hand, and `notApplied` says why.
   */
  readonly confirm?: { readonly applyRef: string; readonly cancelRef: string; readonly approvalNeeded: boolean };
  /** Why Apply is not offered (policy, a manual fix): one line under the plan. */
  readonly notApplied?: string;
  readonly budgetBytes?: number;
}

const NOT_APPLIED = 'Nothing was changed. Make this change yourself with the request above.';

/**
 * What the template adds around the texts, in JSON characters (measured on cards/fix-answer.json):
 * per code line, per request whose details are shown, per request listed without them.
 */
const LINE_OVERHEAD = 125;
const DETAILED_OVERHEAD = 760;
const LISTED_OVERHEAD = 500;

interface Limits {
  readonly maxChanges: number;
  readonly changeWidth: number;
  /** Share of the budget left after the rest of the card that request details may take. */
  readonly detailShare: number;
}

const LEVELS: readonly Limits[] = [
  { maxChanges: 40, changeWidth: 1000, detailShare: 1 },
  { maxChanges: 15, changeWidth: 240, detailShare: 1 },
  { maxChanges: 15, changeWidth: 240, detailShare: 0.6 },
  { maxChanges: 5, changeWidth: 240, detailShare: 0.25 },
  { maxChanges: 5, changeWidth: 240, detailShare: 0 },
];

/**
 * What the Fix button answers: the change, each request's whole URL,
 * and, behind a "Show" toggle, each request's headers and body and its `az rest` command — all of it
 * whole. A request too large for the card's budget is named with its size and where to print it
 * whole; it is never cut.
 */
export function fixAnswerCard(model: FixAnswerModel): AdaptiveCard {
  const budget = model.budgetBytes ?? CARD_BUDGET_BYTES;
  const requests = model.requests ?? [];
  const build = (limits: Limits): object => {
    const base = fixModel(model, limits, { listed: 0, detailed: new Set() });
    const room = Math.max(0, (budget - cardBytes(base)) * limits.detailShare);
    return fixModel(model, limits, chooseShown(requests, room));
  };
  return firstThatFits('fix-answer', LEVELS.map((limits) => () => build(limits)), budget);
}

interface Shown {
  /** How many requests get their line (in order); the rest are counted. */
  readonly listed: number;
  /** Which of those also get their details. */
  readonly detailed: ReadonlySet<number>;
}

/**
 * Which requests fit in `room` bytes (UTF-16, as Teams counts): in order, each with its details when
 * they fit, else with its line alone; once a line no longer fits, the rest are only counted.
 */
function chooseShown(requests: readonly FixRequestShown[], room: number): Shown {
  let left = room;
  let listed = 0;
  const detailed = new Set<number>();
  for (const [index, request] of requests.entries()) {
    // The URL appears twice: in the list and as the heading of its details.
    const urls = 2 * JSON.stringify(request.url).length;
    const withDetails = 2 * (DETAILED_OVERHEAD + urls + detailChars(request));
    const lineOnly = 2 * (LISTED_OVERHEAD + urls + 200);
    if (withDetails <= left) {
      detailed.add(index);
      left -= withDetails;
    } else if (lineOnly <= left) {
      left -= lineOnly;
    } else break;
    listed += 1;
  }
  return { listed, detailed };
}

/** JSON characters of a request's details: its lines, its command and its notes. */
function detailChars(request: FixRequestShown): number {
  const texts = [...request.text.split('\n'), ...request.notes];
  return texts.reduce((sum, text) => sum + JSON.stringify(text).length + LINE_OVERHEAD, 0) + JSON.stringify(request.command ?? '').length;
}

function fixModel(model: FixAnswerModel, limits: Limits, shown: Shown): object {
  const requests = model.requests ?? [];
  const listed = requests.slice(0, shown.listed);
  const changes = model.changes.slice(0, limits.maxChanges).map((change) => ({
    text: clip(`${shortenPath(change.path)}: ${formatValue(change.before)} → ${formatValue(change.after)}`, limits.changeWidth),
  }));
  const together = model.together !== undefined && model.together.length > 1 ? model.together : undefined;
  const severity = together === undefined ? model.rule.severity : worstSeverity(together.map((one) => one.severity));
  const title = `Fix ${together === undefined ? model.rule.id : `${together.length} findings`} on ${clip(model.serviceName, 80)}${model.scopeName === undefined ? '' : ` (${clip(model.scopeName, 40)})`}`;
  const wholeAt = model.wholePlanCommand === undefined ? 'the plan command prints it whole' : `\`${model.wholePlanCommand}\` prints it whole`;
  const details = listed.map((request, index) => {
    const heading = listed.length > 1 ? `${request.method} ${request.url}` : 'Request headers and body';
    if (!shown.detailed.has(index)) {
      const size = Math.ceil(detailChars(request) / 1024);
      return { heading, shown: false, lines: [], hasCommand: false, command: '', notes: [{ text: `This request and its command (about ${size} KB) do not fit in this Teams card; ${wholeAt}.` }] };
    }
    return {
      heading,
      shown: true,
      lines: wholeLines(request.text),
      hasCommand: request.command !== undefined,
      command: request.command ?? '',
      notes: request.notes.map((text) => ({ text })),
    };
  });
  const unlisted = requests.length - listed.length;
  const confirm = model.confirm;
  const statusText =
    confirm === undefined
      ? clip(`${model.notApplied === undefined ? '' : `${model.notApplied} `}${NOT_APPLIED}`, 600)
      : confirm.approvalNeeded
        ? 'Nothing has been changed yet. Apply asks a second person to approve; after the approval the service is read again and exactly this change is sent, or nothing if it changed meanwhile.'
        : 'Nothing has been changed yet. Apply reads the service again and sends exactly this change, or nothing if it changed meanwhile; then it checks that the rule passes.';
  return {
    fallbackText: `${title}: ${confirm === undefined ? 'nothing was changed.' : 'confirm or cancel.'}`,
    statusStyle: confirm === undefined ? 'warning' : 'emphasis',
    statusText,
    confirmButtons:
      confirm === undefined
        ? []
        : [
            { title: confirm.approvalNeeded ? 'Apply (ask for approval)' : 'Apply', verb: 'apply', style: 'positive', data: { ref: confirm.applyRef } },
            { title: 'Cancel', verb: 'cancelFix', style: 'default', data: { ref: confirm.cancelRef } },
          ],
    title,
    badge: `● ${SEVERITY_LABEL[severity]}`,
    badgeColor: SEVERITY_COLOR[severity],
    ruleId: model.rule.id,
    ruleTitle: together === undefined ? clip(model.rule.failureTitle, 160) : clip(together.map((one) => `${one.id} ${one.failureTitle}`).join(' · '), 600),
    resource: clip(model.resource ?? model.serviceName, 300),
    changeHeading: confirm === undefined ? 'The change it would make:' : 'The change Apply makes (read just now):',
    changes: changes.length > 0 ? changes : [{ text: 'No property change is known for this finding.' }],
    hasMoreChanges: model.changes.length > changes.length,
    moreChanges: `… and ${plural(model.changes.length - changes.length, 'more change')}`,
    hasRequests: requests.length > 0,
    requestHeading: requests.length > 1 ? `Requests (${requests.length})` : 'Request',
    requestLines: listed.map((request) => ({ method: request.method, url: request.url })),
    hasMoreRequests: unlisted > 0,
    moreRequests: `${unlisted === 1 ? '1 more request does' : `${unlisted} more requests do`} not fit in a Teams card; ${model.wholePlanCommand === undefined ? 'the plan command prints them' : `\`${model.wholePlanCommand}\` prints them`} whole.`,
    hasDetails: details.length > 0,
    detailsTitle: details.length > 1 ? 'Show the requests and az rest commands' : 'Show the request and az rest command',
    details,
    hasNote: model.note !== undefined && model.note !== '',
    note: clip(model.note ?? '', 800),
  };
}

function worstSeverity(severities: readonly Severity[]): Severity {
  return SEVERITIES.find((severity) => severities.includes(severity)) ?? severities[0] ?? 'low';
}
