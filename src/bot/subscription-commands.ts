import { SEVERITIES, type Severity } from '../rules/types.js';

/**
 * Parsing of "subscribe digest prod weekly Monday 09:00 Europe/Berlin", "subscribe alerts prod
 * high", "unsubscribe digest prod" and "digest now dev". Pure: the environment is checked against
 * the configured ones when the command runs, the time zone here (Intl knows the IANA names).
 */

export type Weekday = 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';
export const WEEKDAYS: readonly Weekday[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** What a conversation can subscribe to, as people say it. */
export type SubscriptionTopicWord = 'digest' | 'alerts';

export type SubscriptionCommand =
  | {
      readonly kind: 'subscribe';
      readonly topic: 'digest';
      readonly environment?: string;
      readonly cadence: 'daily' | 'weekly';
      readonly day: Weekday;
      /** `HH:MM`, 24 hours. */
      readonly time: string;
      /** Canonical IANA name (Intl's spelling), or `UTC`. */
      readonly timeZone: string;
    }
  | { readonly kind: 'subscribe'; readonly topic: 'alerts'; readonly environment?: string; readonly minSeverity: Severity }
  | { readonly kind: 'unsubscribe'; readonly topic: SubscriptionTopicWord; readonly environment?: string }
  | { readonly kind: 'subscriptions' }
  | { readonly kind: 'digest'; readonly environment?: string }
  /** Understood as one of these commands but not acceptable: `message` says why, in one line. */
  | { readonly kind: 'invalid'; readonly message: string };

export const DIGEST_DEFAULTS = { cadence: 'weekly', day: 'monday', time: '09:00', timeZone: 'UTC' } as const;
export const DEFAULT_ALERT_SEVERITY: Severity = 'high';

const FILLER = new Set(['to', 'from', 'the', 'in', 'for', 'on', 'at', 'every', 'each', 'apim', 'env', 'environment', 'of', 'and', 'above', 'or', 'higher', 'up', 'only', '+', 'please']);
const DAY_WORDS: ReadonlyMap<string, Weekday> = new Map(WEEKDAYS.flatMap((day) => [[day, day] as const, [day.slice(0, 3), day] as const, [`${day}s`, day] as const]));
const SUBSCRIPTION_PHRASES = new Set(['subscriptions', 'list subscriptions', 'show subscriptions', 'my subscriptions']);
/** Words of an environment or a zone: what a configured name or an IANA zone can be made of. */
const NAME = /^[a-z0-9][a-z0-9_-]{0,49}$/;
const ZONE = /^[a-z][a-z_-]*(\/[a-z0-9_+-]+){1,2}$/;

const SUBSCRIBE_DIGEST_EXAMPLE = 'subscribe digest prod weekly Monday 09:00 Europe/Berlin';

/** The subscription command in `words` (lower case, mentions gone), or undefined when it is not one. */
export function parseSubscriptionCommand(clean: string): SubscriptionCommand | undefined {
  if (SUBSCRIPTION_PHRASES.has(clean)) return { kind: 'subscriptions' };
  const [verb, ...words] = clean.split(' ');
  if (verb === 'digest') return parseDigestNow(words);
  if (verb !== 'subscribe' && verb !== 'unsubscribe') return undefined;
  // "subscribe to the digest for prod": the topic is the first word that is not filler.
  const at = words.findIndex((word) => !FILLER.has(word));
  const topicWord = at < 0 ? undefined : words[at];
  const rest = at < 0 ? [] : words.slice(at + 1);
  const topic = topicOf(topicWord);
  if (topic === undefined) {
    return invalid(`Say what to ${verb} to: "${verb} digest prod" or "${verb} alerts prod".`.replace('unsubscribe to', 'unsubscribe from'));
  }
  if (verb === 'unsubscribe') {
    const words = rest.filter((word) => !FILLER.has(word));
    if (words.length > 1 || (words[0] !== undefined && !NAME.test(words[0]))) return invalid(`"unsubscribe ${topic}" takes at most an environment, as in "unsubscribe ${topic} prod".`);
    return { kind: 'unsubscribe', topic, ...(words[0] === undefined ? {} : { environment: words[0] }) };
  }
  return topic === 'digest' ? parseDigestSubscription(rest) : parseAlertSubscription(rest);
}

function topicOf(word: string | undefined): SubscriptionTopicWord | undefined {
  if (word === 'digest' || word === 'digests' || word === 'summary') return 'digest';
  if (word === 'alerts' || word === 'alert') return 'alerts';
  return undefined;
}

function parseDigestSubscription(words: readonly string[]): SubscriptionCommand {
  let environment: string | undefined;
  let cadence: 'daily' | 'weekly' | undefined;
  let day: Weekday | undefined;
  let time: string | undefined;
  let timeZone: string | undefined;
  for (const word of words) {
    if (FILLER.has(word)) continue;
    if (word === 'daily' || word === 'weekly') {
      if (cadence !== undefined && cadence !== word) return invalid('Say "daily" or "weekly", not both.');
      cadence = word;
    } else if (DAY_WORDS.has(word)) {
      if (day !== undefined) return invalid('Name one day for the weekly digest, as in "weekly Monday".');
      day = DAY_WORDS.get(word);
    } else if (/^\d{1,2}(:\d{2})?(am|pm)?$/.test(word) && (word.includes(':') || /(am|pm)$/.test(word))) {
      const parsed = timeOfDay(word);
      if (parsed === undefined) return invalid(`"${word}" is not a time of day; use 24-hour HH:MM such as 09:00.`);
      time = parsed;
    } else if (word === 'utc' || word === 'gmt' || ZONE.test(word)) {
      const zone = canonicalTimeZone(word);
      if (zone === undefined) return invalid(`"${word}" is not a time zone I know; use an IANA name such as Europe/Berlin, or UTC.`);
      timeZone = zone;
    } else if (environment === undefined && NAME.test(word)) {
      environment = word;
    } else {
      return invalid(`I did not understand "${word.slice(0, 40)}"; say it as "${SUBSCRIBE_DIGEST_EXAMPLE}".`);
    }
  }
  if (cadence === 'daily' && day !== undefined) return invalid('A daily digest goes out every day; leave the day out or say "weekly".');
  return {
    kind: 'subscribe',
    topic: 'digest',
    ...(environment === undefined ? {} : { environment }),
    cadence: cadence ?? DIGEST_DEFAULTS.cadence,
    day: day ?? DIGEST_DEFAULTS.day,
    time: time ?? DIGEST_DEFAULTS.time,
    timeZone: timeZone ?? DIGEST_DEFAULTS.timeZone,
  };
}

function parseAlertSubscription(words: readonly string[]): SubscriptionCommand {
  let environment: string | undefined;
  let minSeverity: Severity | undefined;
  for (const word of words) {
    if (FILLER.has(word)) continue;
    if ((SEVERITIES as readonly string[]).includes(word)) {
      if (minSeverity !== undefined) return invalid('Name one severity: alerts are sent for it and anything more severe.');
      minSeverity = word as Severity;
    } else if (environment === undefined && NAME.test(word)) {
      environment = word;
    } else {
      return invalid(`I did not understand "${word.slice(0, 40)}"; say it as "subscribe alerts prod high".`);
    }
  }
  return { kind: 'subscribe', topic: 'alerts', ...(environment === undefined ? {} : { environment }), minSeverity: minSeverity ?? DEFAULT_ALERT_SEVERITY };
}

function parseDigestNow(words: readonly string[]): SubscriptionCommand {
  const rest = words.filter((word) => word !== 'now' && word !== 'preview' && !FILLER.has(word));
  if (rest.length > 1 || (rest[0] !== undefined && !NAME.test(rest[0]))) return invalid('Say "digest now" or "digest now prod".');
  return { kind: 'digest', ...(rest[0] === undefined ? {} : { environment: rest[0] }) };
}

/** "9:00", "09:00", "9am", "5:30pm" as `HH:MM`; undefined when out of range. */
function timeOfDay(word: string): string | undefined {
  const match = /^(\d{1,2})(?::(\d{2}))?(am|pm)?$/.exec(word);
  if (match === null) return undefined;
  let hours = Number(match[1]);
  const minutes = Number(match[2] ?? '0');
  const half = match[3];
  if (half !== undefined) {
    if (hours < 1 || hours > 12) return undefined;
    hours = (hours % 12) + (half === 'pm' ? 12 : 0);
  }
  if (hours > 23 || minutes > 59) return undefined;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

/**
 * The IANA zone as Intl spells it ("europe/berlin" → "Europe/Berlin"), or undefined when Intl does
 * not know it. Offsets ("+01:00") are not accepted: they ignore daylight saving time.
 */
export function canonicalTimeZone(name: string): string | undefined {
  if (name.toLowerCase() === 'utc' || name.toLowerCase() === 'gmt') return 'UTC';
  if (!ZONE.test(name.toLowerCase())) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

function invalid(message: string): SubscriptionCommand {
  return { kind: 'invalid', message };
}
