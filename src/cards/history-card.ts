import { expand } from './templates.js';
import { clip, type CardColor } from './text.js';
import type { AdaptiveCard } from './types.js';

export interface HistoryRow {
  /** "2026-12-03 15:51 UTC". */
  readonly when: string;
  /** "Fix verified". */
  readonly what: string;
  /** "APIM-002 on apim-basic-dev, by Alex". */
  readonly detail: string;
  readonly tone: 'good' | 'bad' | 'neutral';
}

export interface HistoryModel {
  /** "Changes to apim-basic-dev", "Recent changes". */
  readonly title: string;
  /** What the list is drawn from: "From the audit trail; its chain verifies." */
  readonly subtitle: string;
  /** Newest first. */
  readonly rows: readonly HistoryRow[];
  /** Older entries not shown. */
  readonly more: number;
}

const COLORS: Readonly<Record<HistoryRow['tone'], CardColor>> = { good: 'Good', bad: 'Attention', neutral: 'Default' };

/** The `history` answer: what fixes, reverts and exemptions did, newest first, from the audit trail. */
export function historyCard(model: HistoryModel): AdaptiveCard {
  const rows = model.rows.slice(0, 30).map((row) => ({ when: clip(row.when, 30), what: clip(row.what, 60), detail: clip(row.detail, 300), color: COLORS[row.tone] }));
  const more = model.more + model.rows.length - rows.length;
  return expand('history', {
    fallbackText: clip(`${model.title}: ${rows.length} entries`, 200),
    title: clip(model.title, 120),
    subtitle: clip(rows.length === 0 ? `${model.subtitle} Nothing recorded yet.` : model.subtitle, 300),
    rows,
    hasMore: more > 0,
    more: `${more} older ${more === 1 ? 'entry' : 'entries'} not shown.`,
  });
}
