import type { HistoryModel, HistoryRow } from '../cards/render.js';
import type { AuditRecord } from '../store/index.js';

/** Audit-trail kinds in words, with whether they are good news. Kinds not listed are not shown. */
const KINDS: Readonly<Record<string, readonly [string, HistoryRow['tone']]>> = {
  'fix.approval-requested': ['Fix awaiting approval', 'neutral'],
  'fix.approved': ['Fix approved', 'neutral'],
  'fix.approval-refused': ['Approval refused', 'bad'],
  'fix.rejected': ['Fix rejected', 'neutral'],
  'fix.cancelled': ['Fix cancelled', 'neutral'],
  'fix.refused': ['Fix refused', 'bad'],
  'fix.changed-since-confirmation': ['Fix not sent (changed since confirmation)', 'bad'],
  'fix.sending': ['Fix sent', 'neutral'],
  'fix.succeeded': ['Azure accepted the fix', 'neutral'],
  'fix.failed': ['Fix failed', 'bad'],
  'fix.conflict': ['Fix refused by Azure (changed meanwhile)', 'bad'],
  'fix.unknown': ['Fix outcome unknown', 'bad'],
  'fix.verified': ['Fix verified', 'good'],
  'fix.not-verified': ['Fix not verified', 'bad'],
  'fix.reconciled': ['Fix reconciled after a restart', 'neutral'],
  'revert.reconciled': ['Revert reconciled after a restart', 'neutral'],
  'revert.approval-requested': ['Revert awaiting approval', 'neutral'],
  'revert.approved': ['Revert approved', 'neutral'],
  'revert.rejected': ['Revert rejected', 'neutral'],
  'revert.refused': ['Revert refused', 'bad'],
  'revert.changed-since-fix': ['Revert not sent (changed since the fix)', 'bad'],
  'revert.sending': ['Revert sent', 'neutral'],
  'revert.failed': ['Revert failed', 'bad'],
  'revert.conflict': ['Revert refused by Azure (changed meanwhile)', 'bad'],
  'revert.unknown': ['Revert outcome unknown', 'bad'],
  'revert.verified': ['Revert verified', 'good'],
  'revert.not-verified': ['Revert not verified', 'bad'],
  'exemption.added': ['Risk accepted', 'neutral'],
  'exemption.removed': ['Exemption removed', 'neutral'],
};

const SHOWN = 15;

/**
 * The `history [service]` answer from audit-trail records: newest first, the kinds people act on,
 * for one service when named (its id, or a child of it, is the record's subject).
 */
export function historyModel(records: readonly AuditRecord[], service: string | undefined): HistoryModel {
  const wanted = service?.toLowerCase();
  const relevant = records.filter((record) => Object.hasOwn(KINDS, record.kind) && (wanted === undefined || serviceOf(record.subject) === wanted));
  const newest = relevant.slice().reverse();
  return {
    title: service === undefined ? 'Recent fixes, reverts and exemptions' : `Fixes, reverts and exemptions on ${service}`,
    subtitle: 'From the audit trail, newest first.',
    rows: newest.slice(0, SHOWN).map(row),
    more: Math.max(0, newest.length - SHOWN),
  };
}

function row(record: AuditRecord): HistoryRow {
  const [what, tone] = KINDS[record.kind] ?? [record.kind, 'neutral'];
  const ruleId = typeof record.details['ruleId'] === 'string' ? record.details['ruleId'] : undefined;
  const reason = typeof record.details['reason'] === 'string' ? record.details['reason'] : typeof record.details['message'] === 'string' ? record.details['message'] : undefined;
  const service = serviceOf(record.subject);
  const parts = [
    [ruleId, service === undefined ? undefined : `on ${service}`].filter((part) => part !== undefined).join(' '),
    record.actor === 'system' ? undefined : `by ${record.actor}`,
    reason === undefined ? undefined : `— ${reason}`,
  ].filter((part): part is string => part !== undefined && part !== '');
  return { when: `${record.at.slice(0, 16).replace('T', ' ')} UTC`, what, detail: parts.join(' '), tone };
}

/** The API Management service name in a resource id (the service or one of its children), lower case. */
function serviceOf(subject: string | undefined): string | undefined {
  return /\/providers\/microsoft\.apimanagement\/service\/([^/]+)/i.exec(subject ?? '')?.[1]?.toLowerCase();
}
