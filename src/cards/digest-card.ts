import type { DigestFinding, OverdueFinding } from '../digest/compute.js';
import type { Digest } from '../digest/digest.js';
import { SEVERITIES } from '../rules/types.js';
import { plural } from '../util/text.js';
import { CARD_BUDGET_BYTES, firstThatFits } from './templates.js';
import { clip, type CardColor } from './text.js';
import type { AdaptiveCard, RowButtons } from './types.js';

export interface DigestCardOptions {
  /** The digest went out after its time (the bot was down): the card says when it was due. */
  readonly late?: { readonly missedAt: string; readonly timeZone?: string };
  /** Who changed it, per finding key: one sentence (src/inventory/change-cause.ts describeCause). */
  readonly causes?: ReadonlyMap<string, string>;
  /** Fix per finding and the kept copy of the card; without them rows offer Explain only. */
  readonly buttons?: RowButtons;
}

interface Row {
  readonly text: string;
  /** The rule to explain, or '' for rows without a rule. */
  readonly explain: string;
  /** The ref of Fix for the row's finding, or '' when it has none. */
  readonly fix?: string;
}

interface Section {
  readonly title: string;
  readonly color: CardColor;
  readonly rows: readonly Row[];
}

/** Rows shown per section, from the fullest variant to the tersest; the rest are counted. */
const ROWS_PER_SECTION = [8, 5, 3, 1] as const;
const LINE = [300, 200, 140, 100] as const;
const CHART_TYPE = 'Chart.Line';

/**
 * The digest as a Teams card: the score trend as a line chart (with a one-line trend as fallback
 * for hosts without charts), then what needs doing, most urgent first: new and reopened findings
 * (with who changed it, when known), findings past their SLA, the worst services, owners,
 * exemptions about to end, and the fixes of the period. Each finding can be explained and, when its
 * rule has an automatic fix, fixed; "Audit now" runs a fresh audit of the environment. Pure; within
 * the card budget at any digest size.
 */
export function digestCard(digest: Digest, options: DigestCardOptions = {}): AdaptiveCard {
  const sections = digestSections(digest, options);
  return firstThatFits(
    'digest',
    ROWS_PER_SECTION.map((rows, index) => () => model(digest, sections, options, rows, LINE[index] ?? 100)),
    CARD_BUDGET_BYTES,
  );
}

function model(digest: Digest, sections: readonly Section[], options: DigestCardOptions, rowsPerSection: number, line: number): object {
  // Buttons name the card's kept copy, so a click answers below it and the card stays.
  const keptCard = options.buttons === undefined ? {} : { card: options.buttons.card };
  const week = digest.trend.at(-1)?.week ?? digest.period.until.slice(0, 10);
  const title = clip(`APIM posture digest: ${digest.environment}, ${week}`, 120);
  const points = digest.trend.flatMap((entry) => (entry.score === null ? [] : [{ x: entry.week, y: entry.score }]));
  const trendLine = `Score ${digest.trend.map((entry) => (entry.score === null ? '–' : String(entry.score))).join(' → ')} (weekly, oldest first)`;
  const change = digest.score !== null && digest.previousScore !== null ? `${signed(digest.score - digest.previousScore)} since ${digest.period.since.slice(0, 10)} · ` : '';
  const late = options.late === undefined ? '' : `Late: missed at ${when(options.late.missedAt, options.late.timeZone)}.`;
  return {
    fallbackText: clip(`${title}: score ${digest.score ?? '–'}/100, ${openCount(digest)} open`, 200),
    title,
    isLate: late !== '',
    late,
    score: `Score ${digest.score ?? '–'}/100`,
    scoreDetail: `${change}last audit ${digest.auditedAt === null ? 'none' : when(digest.auditedAt)}`,
    hasChart: points.length > 0,
    chartTitle: `Score, last ${plural(digest.trend.length, 'week')}`,
    chartLegend: clip(digest.environment, 40),
    chartPoints: points,
    trendLine,
    openLine: `Open: ${SEVERITIES.map((severity) => `${digest.open[severity]} ${severity}`).join(', ')} · ${digest.exempted} exempted · ${plural(digest.resolved.length, 'finding')} resolved this period`,
    sections: sections
      .filter((section) => section.rows.length > 0)
      .map((section) => {
        const shown = section.rows.slice(0, rowsPerSection);
        const hidden = section.rows.length - shown.length;
        return {
          title: `${section.title} (${section.rows.length})`,
          color: section.color,
          rows: shown.map((row) => ({
            text: clip(row.text, line),
            explain: row.explain,
            explainData: { ruleId: row.explain, ...keptCard },
            fix: row.fix ?? '',
            fixData: { ref: row.fix ?? '', ...keptCard },
            hasActions: row.explain !== '' || (row.fix ?? '') !== '',
          })),
          more: hidden > 0 ? `and ${hidden} more` : '',
        };
      }),
    fixesLine: `Fixes this period: ${digest.fixes.applied} applied, ${digest.fixes.reverted} reverted.`,
    auditData: { text: clip(`audit apim in ${digest.environment}`, 200), ...keptCard },
    lastData: { text: 'last', ...keptCard },
  };
}

/** The sections in order of urgency, every row (the model decides how many fit). */
export function digestSections(digest: Digest, options: DigestCardOptions = {}): Section[] {
  const row = (finding: DigestFinding, detail: string): Row => findingRow(finding, detail, options.buttons);
  const cause = (finding: DigestFinding): string => {
    const sentence = options.causes?.get(finding.key);
    return sentence === undefined ? '' : ` — ${sentence}`;
  };
  return [
    {
      title: 'New and reopened',
      color: 'Attention',
      rows: [...digest.added.map((finding) => ({ finding, label: 'new' })), ...digest.reopened.map((finding) => ({ finding, label: 'reopened' }))]
        .sort((a, b) => SEVERITIES.indexOf(a.finding.severity) - SEVERITIES.indexOf(b.finding.severity))
        .map(({ finding, label }) => row(finding, `${label}${owner(finding)}${cause(finding)}`)),
    },
    {
      title: 'Overdue by SLA',
      color: 'Warning',
      rows: digest.overdue.map((finding: OverdueFinding) => row(finding, `open ${plural(finding.openDays, 'day')} (SLA ${plural(finding.slaDays, 'day')})${owner(finding)}`)),
    },
    {
      title: 'Worst services',
      color: 'Default',
      rows: digest.worstServices.map((service) => ({
        text: `${service.service}: ${SEVERITIES.filter((severity) => service.bySeverity[severity] > 0)
          .map((severity) => `${service.bySeverity[severity]} ${severity}`)
          .join(', ')}${service.owner === null ? '' : `, owner ${service.owner}`}`,
        explain: '',
      })),
    },
    {
      title: 'Owners',
      color: 'Default',
      rows: digest.owners.map((entry) => ({
        text: `${entry.owner ?? 'No owner tag'}: ${entry.open} open, ${entry.overdue} overdue on ${entry.services.join(', ')}`,
        explain: '',
      })),
    },
    {
      title: 'Exemptions ending within 14 days',
      color: 'Warning',
      rows: digest.exemptionsExpiring.map((exemption) => ({
        text: `${exemption.ruleId} on ${exemption.services.join(', ')} ends ${exemption.expires} (${exemption.daysLeft === 0 ? 'today' : `in ${plural(exemption.daysLeft, 'day')}`}${exemption.owner === null ? '' : `, owner ${exemption.owner}`}${exemption.ticket === null ? '' : `, ticket ${exemption.ticket}`})`,
        explain: exemption.ruleId === '*' ? '' : exemption.ruleId,
      })),
    },
  ];
}

function findingRow(finding: DigestFinding, detail: string, buttons: RowButtons | undefined): Row {
  const child = finding.resourceId.toLowerCase() === finding.serviceId.toLowerCase() ? '' : ` (${finding.resourceId.slice(finding.serviceId.length + 1)})`;
  const fix = buttons?.fix({ serviceId: finding.serviceId, serviceName: finding.service, ruleId: finding.ruleId, resourceId: finding.resourceId }) ?? '';
  return { text: `${finding.service}: ${finding.ruleId} ${finding.severity}${child}, ${detail}`, explain: /^[A-Z][A-Z0-9]*-\d{3,4}$/.test(finding.ruleId) ? finding.ruleId : '', fix };
}

function owner(finding: DigestFinding): string {
  return finding.owner === null ? '' : `, owner ${finding.owner}`;
}

function openCount(digest: Digest): number {
  return SEVERITIES.reduce((sum, severity) => sum + digest.open[severity], 0);
}

function signed(value: number): string {
  return value > 0 ? `+${value}` : String(value);
}

/** "2026-12-07 09:00 UTC", or in the subscription's zone when given. */
function when(iso: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return clip(iso, 40);
  if (timeZone === undefined || timeZone === 'UTC') return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  const local = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);
  return `${local.replace(',', '')} ${timeZone}`;
}

/** The chart element's type, for tests and hosts that swap it for its fallback. */
export const DIGEST_CHART_TYPE = CHART_TYPE;
