import { SEVERITIES } from '../rules/types.js';
import type { DigestFinding } from './compute.js';
import type { Digest } from './digest.js';
import { DEFAULT_OWNER_TAGS } from './snapshot.js';

/**
 * The digest as Markdown for e-mail and wikis. Every finding line says what to do next, with the
 * command that does it; sections without anything to say are left out.
 */
export function digestMarkdown(digest: Digest, options: { readonly ownerTags?: readonly string[] } = {}): string {
  const env = token(digest.environment);
  const lines: string[] = [];
  const trendWeeks = digest.trend.map((week) => (week.score === null ? '–' : String(week.score))).join(' → ');
  lines.push(`# APIM posture digest: ${text(digest.environment)}, ${digest.trend.at(-1)?.week ?? ''}`);
  lines.push('');
  const change = digest.score !== null && digest.previousScore !== null ? ` (${signed(digest.score - digest.previousScore)} since ${day(digest.period.since)})` : '';
  lines.push(`**Score ${digest.score ?? '–'}/100**${change} · last audit ${digest.auditedAt === null ? 'none' : when(digest.auditedAt)} · weekly trend: ${trendWeeks}`);
  lines.push(`Open: ${SEVERITIES.map((severity) => `${digest.open[severity]} ${severity}`).join(', ')} · ${digest.exempted} exempted · overdue: ${SEVERITIES.map((severity) => `${digest.overdueBySeverity[severity]} ${severity}`).join(', ')}`);

  section(lines, 'Overdue', digest.overdue, (finding) => `${findingText(finding)}, open ${days(finding.openDays)} (SLA ${days(finding.slaDays)})${ownerText(finding)} — \`${planCommand(finding, env)}\``);
  section(lines, `New since ${day(digest.period.since)}`, digest.added, (finding) => `${findingText(finding)}${ownerText(finding)} — \`${planCommand(finding, env)}\``);
  section(lines, 'Reopened', digest.reopened, (finding) => `${findingText(finding)}, back after it was gone${ownerText(finding)} — \`${planCommand(finding, env)}\``);
  section(lines, 'Resolved', digest.resolved, (finding) => `${findingText(finding)} resolved — keep it so: \`apim-posture explain ${token(finding.ruleId)}\``);
  section(lines, 'Owners', digest.owners, (owner) =>
    owner.owner === null
      ? `no owner tag: ${owner.services.map(text).join(', ')} (${owner.open} open) — tag ${owner.services.length === 1 ? 'it' : 'them'} with ${(options.ownerTags ?? DEFAULT_OWNER_TAGS).map((tag) => `\`${tag}\``).join(' or ')}`
      : `${text(owner.owner)}: ${owner.open} open, ${owner.overdue} overdue on ${owner.services.map(text).join(', ')} — \`apim-posture audit --env ${env} ${owner.services.map((service) => `--service ${token(service)}`).join(' ')}\``,
  );
  section(lines, 'Exemptions expiring within 14 days', digest.exemptionsExpiring, (exemption) => {
    const who = [exemption.owner === null ? '' : `owner ${text(exemption.owner)}`, exemption.ticket === null ? '' : `ticket ${text(exemption.ticket)}`].filter((part) => part !== '').join(', ');
    const first = exemption.services[0] ?? '';
    const next = exemption.ruleId === '*' ? `\`apim-posture audit --env ${token(env)} --service ${token(first)}\`` : `\`apim-posture plan ${token(exemption.ruleId)} ${token(first)} --env ${token(env)}\``;
    return `${text(exemption.ruleId)} on ${exemption.services.map(text).join(', ')} ends ${exemption.expires} (${exemption.daysLeft === 0 ? 'today' : `in ${days(exemption.daysLeft)}`}${who === '' ? '' : `, ${who}`}) — fix it or renew the exemption: ${next}`;
  });
  lines.push('');
  const fixes = `Fixes this period: ${digest.fixes.applied} applied, ${digest.fixes.reverted} reverted`;
  lines.push(digest.fixes.applied + digest.fixes.reverted === 0 ? `${fixes}.` : `${fixes} — review them: \`apim-posture audit-log\``);
  return `${lines.join('\n')}\n`;
}

function section<T>(lines: string[], title: string, items: readonly T[], line: (item: T) => string): void {
  if (items.length === 0) return;
  lines.push('', `## ${title} (${items.length})`, '');
  for (const item of items) lines.push(`- ${line(item)}`);
}

function findingText(finding: DigestFinding): string {
  const child = finding.resourceId.toLowerCase() === finding.serviceId.toLowerCase() ? '' : ` (${text(finding.resourceId.slice(finding.serviceId.length + 1))})`;
  return `${text(finding.service)}: ${text(finding.ruleId)} ${finding.severity}${child}`;
}

function ownerText(finding: DigestFinding): string {
  return finding.owner === null ? '' : `, owner ${text(finding.owner)}`;
}

function planCommand(finding: DigestFinding, env: string): string {
  return `apim-posture plan ${token(finding.ruleId)} ${token(finding.service)} --env ${token(env)}`;
}

/** Words inside a command come from the store: only the characters rule ids and Azure names use, so a command stays one copyable command. */
function token(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]/g, '');
}

/**
 * Names and tags are anyone's text: Markdown's active characters are escaped, so an owner tag
 * cannot add a link, an image or a heading to a message that goes out by e-mail.
 */
function text(value: string): string {
  return value.replace(/[\\`*_{}[\]()#+!<>|~&]/g, (character) => `\\${character}`);
}

function days(count: number): string {
  return `${count} ${count === 1 ? 'day' : 'days'}`;
}

function signed(value: number): string {
  return value > 0 ? `+${value}` : String(value);
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

function when(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
