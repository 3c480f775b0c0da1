import { fixAnswerCard, messageCard, type RefPayloads } from '../cards/render.js';
import type { Estate } from '../estate/model.js';
import { planFindings, type Finding } from '../remediation/finding-fix.js';
import { headersAndBody, planView, shellQuote } from '../remediation/plan-text.js';
import { findRule } from '../rules/index.js';
import type { Card } from './messenger.js';

export interface FixAnswerOptions {
  /** The ARM host of the audited target, which the request URLs name; default the public cloud. */
  readonly armEndpoint?: string;
  /** Why there is no Apply button: the remediation policy's refusal, in one line. */
  readonly notApplied?: string;
  /** Other findings on the same service fixed by the same requests ("Fix all safe"). */
  readonly also?: readonly Finding[];
  /** Apply / Cancel refs: the card is a confirmation (the estate is a fresh read). */
  readonly confirm?: { readonly applyRef: string; readonly cancelRef: string; readonly approvalNeeded: boolean };
}

/**
 * The exact change a Fix makes, planned from an estate (the audited one, or a fresh read for a
 * confirmation), with preconditions and blast radius; each request whole (URL, headers, body) with
 * its `az rest` command. Building it sends nothing to Azure.
 */
export function fixAnswer(payload: Omit<RefPayloads['fix'], 'origin'>, estate: Estate, now: Date, ruleOptions: Readonly<Record<string, unknown>>, options: FixAnswerOptions = {}): Card {
  const rule = findRule(payload.ruleId);
  const also = options.also ?? [];
  const planned = planFindings([payload, ...also], estate, payload.report, now, ruleOptions);
  if (rule === undefined || planned.state === 'gone') return messageCard('That finding is no longer in the audited estate. Run the audit again.', { tone: 'refusal' });
  if (planned.state === 'passes') return messageCard(`${also.length === 0 ? rule.meta.id : 'Every finding'} passes on ${payload.serviceName} in this audit; there is nothing to fix.`, { tone: 'success' });
  if (planned.state === 'unplanned') return messageCard(planned.reason, { tone: planned.reason.includes('cannot be planned') ? 'refusal' : 'info' });
  const fixes = planned.fixes;
  // Every output renders plans through plan-text: credentials redacted, URL on the target's ARM
  // host, the az rest command only when the request shown is the request sent.
  const views = fixes.map((fix) => planView(fix, options.armEndpoint));
  const preconditions = views.flatMap((view) => view.preconditions);
  const note = [
    ...(views.some((view) => view.redacted) ? ['Credentials in these values are shown as [redacted].'] : []),
    ...preconditions.filter((p) => !p.satisfied).map((p) => `Precondition not met — ${p.description}: ${p.detail}`),
    ...preconditions.filter((p) => p.satisfied).map((p) => `Precondition met — ${p.description}: ${p.detail}`),
    ...[...new Set(views.map((view) => view.blastRadius))].map((blast) => `Blast radius: ${blast}`),
  ];
  return fixAnswerCard({
    rule: { id: rule.meta.id, title: rule.meta.title, failureTitle: rule.meta.failureTitle, severity: rule.meta.severity },
    ...(also.length === 0 ? {} : { together: [payload, ...also].flatMap((one) => findRule(one.ruleId)?.meta ?? []) }),
    serviceName: payload.serviceName,
    changes: views.flatMap((view) => view.changes),
    requests: views.map((view) => ({
      method: view.request.method,
      url: view.request.url,
      text: headersAndBody(view),
      ...(view.azRest === undefined ? {} : { command: view.azRest }),
      notes: view.notes,
    })),
    wholePlanCommand: `apim-posture plan ${rule.meta.id} ${shellQuote(payload.serviceName)}`,
    note: note.join('\n'),
    ...(options.confirm === undefined ? {} : { confirm: options.confirm }),
    ...(options.notApplied === undefined ? {} : { notApplied: options.notApplied }),
  });
}
