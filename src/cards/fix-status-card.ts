import { formatValue, shortenPath } from '../output/values.js';
import type { FixChange } from './fix-answer-card.js';
import { expand } from './templates.js';
import { clip, MAX_LINE, type CardColor } from './text.js';
import type { AdaptiveCard, RemediationVerb } from './types.js';

export interface FixFlowButton {
  readonly title: string;
  /** Each remediation button carries one opaque, single-use ref and nothing else. */
  readonly verb: RemediationVerb;
  readonly ref: string;
  /** `positive` for the button that changes Azure, `destructive` for the one that withdraws it. */
  readonly style?: 'default' | 'positive' | 'destructive';
}

/** Where a fix stands, as everyone in the conversation sees it. */
export type FixStage = 'waiting' | 'working' | 'done' | 'partly' | 'failed' | 'stopped';

export interface FixStatusModel {
  /** "Fix APIM-001 on apim-payments-weu". */
  readonly title: string;
  readonly stage: FixStage;
  /** One line: "Verified: APIM-001 passes on a fresh read." */
  readonly status: string;
  /** A sentence or two under the status: what happens next, what ARM said. */
  readonly detail?: string;
  /** Who asked, who approved, when, the ARM request id. */
  readonly facts?: readonly { readonly title: string; readonly value: string }[];
  readonly changes?: readonly FixChange[];
  readonly changeHeading?: string;
  /** Shown to the person who clicked only (a refusal next to an open approval). */
  readonly notice?: string;
  readonly buttons?: readonly FixFlowButton[];
}

const STAGES: Readonly<Record<FixStage, readonly [string, CardColor]>> = {
  waiting: ['⏳', 'Accent'],
  working: ['⟳', 'Accent'],
  done: ['✔', 'Good'],
  partly: ['⚠', 'Warning'],
  failed: ['✖', 'Attention'],
  stopped: ['■', 'Default'],
};

const MAX_CHANGES = 15;

/**
 * The card of one fix after its confirmation: waiting for approval, applying, verified or not,
 * failed (ARM's words), reverted. It replaces the confirmation card in place, for everyone.
 */
export function fixStatusCard(model: FixStatusModel): AdaptiveCard {
  const [icon, color] = STAGES[model.stage];
  const changes = (model.changes ?? []).slice(0, MAX_CHANGES).map((change) => ({ text: clip(`${shortenPath(change.path)}: ${formatValue(change.before)} → ${formatValue(change.after)}`, 240) }));
  const more = (model.changes?.length ?? 0) - changes.length;
  if (more > 0) changes.push({ text: `… and ${more} more` });
  const facts = (model.facts ?? []).slice(0, 8).map((fact) => ({ title: clip(fact.title, 40), value: clip(fact.value, 300) }));
  const title = clip(model.title, 160);
  const status = clip(model.status, MAX_LINE);
  return expand('fix-status', {
    fallbackText: `${title}: ${status}`,
    title,
    icon,
    color,
    status,
    hasDetail: model.detail !== undefined && model.detail !== '',
    detail: clip(model.detail ?? '', 800),
    hasFacts: facts.length > 0,
    facts,
    hasChanges: changes.length > 0,
    changeHeading: model.changeHeading ?? 'Change',
    changes,
    hasNotice: model.notice !== undefined && model.notice !== '',
    notice: clip(model.notice ?? '', MAX_LINE),
    buttons: (model.buttons ?? []).slice(0, 4).map((button) => ({ title: clip(button.title, 40), verb: button.verb, style: button.style ?? 'default', data: { ref: button.ref } })),
  });
}
