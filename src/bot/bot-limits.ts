import { DEFAULT_FAIR_USE, type FairUseLimits } from './fair-scheduler.js';

/** How much the bot takes on at once and keeps afterwards; see README "Fair use and memory". */
export interface BotLimits {
  readonly fairUse: FairUseLimits;
  /** Memory for finished audits and button refs together, in bytes (approximate, see retained-audits.ts). */
  readonly retainedBytes: number;
}

export const DEFAULT_RETAINED_MB = 256;

export const DEFAULT_BOT_LIMITS: BotLimits = { fairUse: DEFAULT_FAIR_USE, retainedBytes: DEFAULT_RETAINED_MB * 1024 * 1024 };

/**
 * How the memory budget is shared: refs are small (ids), so they get a sixteenth and the kept
 * audits the rest; together they stay within the configured total.
 */
export function shareRetainedBytes(total: number): { readonly audits: number; readonly refs: number } {
  const refs = Math.floor(total / 16);
  return { audits: total - refs, refs };
}

/** Far above any sensible setting; keeps a typo such as 1e12 from meaning "no limit". */
const MAX_SETTING = 1_000_000;

/** Limits from APIM_POSTURE_* variables; unset or empty means the default. Throws a one-line error for anything else. */
export function botLimitsFromEnv(env: Readonly<Record<string, string | undefined>>): BotLimits {
  const read = (name: string, fallback: number): number => {
    const raw = env[name]?.trim() ?? '';
    if (raw === '') return fallback;
    const value = /^\d{1,7}$/.test(raw) ? Number(raw) : NaN;
    if (!(value >= 1 && value <= MAX_SETTING)) {
      throw new Error(`${name} must be a whole number from 1 to ${MAX_SETTING}, not "${raw.slice(0, 40).replace(/\s+/g, " ")}"`);
    }
    return value;
  };
  return {
    fairUse: {
      perConversation: read('APIM_POSTURE_MAX_AUDITS_PER_CONVERSATION', DEFAULT_FAIR_USE.perConversation),
      perUser: read('APIM_POSTURE_MAX_AUDITS_PER_USER', DEFAULT_FAIR_USE.perUser),
      concurrent: read('APIM_POSTURE_MAX_CONCURRENT_AUDITS', DEFAULT_FAIR_USE.concurrent),
    },
    retainedBytes: read('APIM_POSTURE_MAX_RETAINED_MB', DEFAULT_RETAINED_MB) * 1024 * 1024,
  };
}
