import type { Evidence, Severity } from '../rules/types.js';
import { formatEvidence, shortenPath } from '../output/values.js';

/** Longest text of any one line a card shows; anything longer is cut with an ellipsis. */
export const MAX_LINE = 500;

/**
 * Cuts `text` to at most `max` UTF-16 units, ending in "…", never splitting a surrogate pair.
 * Whitespace runs (including newlines) collapse to one space: card lines are single paragraphs.
 */
export function clip(text: string, max: number): string {
  return cut(text.replace(/\s+/g, ' ').trim(), max);
}

/** Cuts `text` to at most `max` UTF-16 units, ending in "…", keeping its whitespace. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end).trimEnd()}…`;
}

/** How much of one evidence item a card shows. */
export interface EvidenceLimits {
  /** Longest rendered line. */
  readonly line: number;
  /** Longest rendered value (actual or expected), before the line limit applies. */
  readonly value: number;
}

/**
 * `path = actual (expected …)` via the terminal's {@link formatEvidence}. When the line is too long,
 * long values are shortened first (strings inside their quotes, arrays and objects to their first
 * entries plus how many more), then the note, then the path; the expectation always survives.
 */
export function evidenceLine(item: Evidence, limits: EvidenceLimits): string {
  const full = formatEvidence(item, shortenPath);
  if (full.length <= limits.line) return clip(full, limits.line);
  const values: Evidence = { path: item.path, actual: shortenValue(item.actual, limits.value), expected: shortenValue(item.expected, limits.value) };
  const bare = formatEvidence(values, shortenPath);
  const spare = limits.line - bare.length - 3;
  if (item.note !== undefined && spare >= 24) return clip(formatEvidence({ ...values, note: clip(item.note, spare) }, shortenPath), limits.line);
  if (bare.length <= limits.line) return clip(bare, limits.line);
  const tighter: Evidence = { path: item.path, actual: shortenValue(item.actual, 24), expected: shortenValue(item.expected, 32) };
  const tight = formatEvidence(tighter, shortenPath);
  if (tight.length <= limits.line) return clip(tight, limits.line);
  const path = shortenPath(item.path);
  const pathRoom = Math.max(32, limits.line - (tight.length - path.length));
  return clip(formatEvidence(tighter, (p) => cut(shortenPath(p), pathRoom)), limits.line);
}

function shortenValue(value: unknown, max: number): unknown {
  if (value === undefined) return undefined;
  if (JSON.stringify(value).length <= max) return value;
  if (typeof value === 'string') return clip(value, Math.max(8, max - 2));
  if (Array.isArray(value)) {
    const kept: unknown[] = [];
    let used = 2;
    for (const entry of value as unknown[]) {
      const size = JSON.stringify(entry).length + 1;
      if (used + size > max - 12) break;
      kept.push(entry);
      used += size;
    }
    return [...kept, `… ${value.length - kept.length} more`];
  }
  if (typeof value === 'object' && value !== null) {
    const entries: [string, unknown][] = Object.entries(value as Record<string, unknown>);
    const kept: [string, unknown][] = [];
    let used = 2;
    for (const [key, entry] of entries) {
      const size = JSON.stringify({ [key]: entry }).length;
      if (used + size > max - 16) break;
      kept.push([key, entry]);
      used += size;
    }
    return { ...Object.fromEntries(kept), '…': `${entries.length - kept.length} more` };
  }
  return value;
}

export const SEVERITY_LABEL: Readonly<Record<Severity, string>> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low' };

/** Adaptive Card colours: critical and high draw attention, medium warns, low is the accent. */
export const SEVERITY_COLOR: Readonly<Record<Severity, CardColor>> = { critical: 'Attention', high: 'Attention', medium: 'Warning', low: 'Accent' };

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 0, high: 1, medium: 2, low: 3 };

export type CardColor = 'Default' | 'Accent' | 'Good' | 'Warning' | 'Attention';

/** One run of a counts line; quiet runs (not checked, not applicable) are subtle and uncoloured. */
export interface CountRun {
  readonly text: string;
  readonly color: CardColor;
  readonly weight: 'Default' | 'Bolder';
  readonly isSubtle: boolean;
}

export function countRun(text: string, color: CardColor, weight: CountRun['weight'] = 'Default', isSubtle = false): CountRun {
  return { text, color, weight, isSubtle };
}

/**
 * The whole sentences of `text` that fit in `max` units, so advice is not cut mid-clause; when even
 * the first sentence is longer, it is clipped with an ellipsis.
 */
export function leadingSentences(text: string, max: number): string {
  const flat = clip(text, Number.MAX_SAFE_INTEGER);
  if (flat.length <= max) return flat;
  let end = 0;
  for (const match of flat.matchAll(/[.!?](?=\s|$)/g)) {
    const stop = match.index + 1;
    if (stop > max) break;
    end = stop;
  }
  return end > 0 ? flat.slice(0, end) : clip(flat, max);
}

export function scoreText(score: number | null): string {
  return score === null ? 'n/a' : `${score}/100`;
}

/** Red below 50, amber below 80, green from 80; grey when nothing could be judged. */
export function scoreColor(score: number | null): CardColor {
  if (score === null) return 'Default';
  return score < 50 ? 'Attention' : score < 80 ? 'Warning' : 'Good';
}

/**
 * adaptivecards-templating leaves unknown `${…}` bindings in place, and a leftover `${` is how a
 * broken template is detected. Text from the estate may contain `${` too; a zero-width space keeps it
 * from looking like a binding without changing what people read.
 */
export function neutraliseBindings<T>(value: T): T {
  return deepMap(value) as T;
}

function deepMap(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('${') ? value.replaceAll('${', '$\u200b{') : value;
  if (Array.isArray(value)) return value.map(deepMap);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, deepMap(entry)]));
  }
  return value;
}

/** Markdown link text for a TextBlock: brackets in titles would end the link early. */
export function markdownLink(title: string, url: string): string {
  const safeTitle = title.replace(/[[\]\\]/g, (ch) => `\\${ch}`);
  const safeUrl = url.replace(/[()\s]/g, encodeURIComponent);
  return `[${safeTitle}](${safeUrl})`;
}
