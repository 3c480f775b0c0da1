import { describe, expect, it } from 'vitest';
import { parseCommand, type Command } from '../../src/bot/commands.js';
import { canonicalTimeZone } from '../../src/bot/subscription-commands.js';

const ENVIRONMENTS = ['prod', 'dev', 'test', 'sandbox'];

/** Conversations as a table, in the manner of BotBuilder-Samples' dialog test cases. */
const CASES: [string, Command][] = [
  ['audit apim in prod', { kind: 'audit', environment: 'prod', services: [], ruleIds: [], deep: false }],
  ['Audit APIM prod', { kind: 'audit', environment: 'prod', services: [], ruleIds: [], deep: false }],
  ['check apim in production', { kind: 'audit', environment: 'production', services: [], ruleIds: [], deep: false }],
  ['audit apim in prod high and above', { kind: 'audit', environment: 'prod', services: [], minSeverity: 'high', ruleIds: [], deep: false }],
  ['audit apim in prod only critical + high', { kind: 'audit', environment: 'prod', services: [], minSeverity: 'high', ruleIds: [], deep: false }],
  ['audit apim in prod rule APIM-4', { kind: 'audit', environment: 'prod', services: [], ruleIds: ['APIM-004'], deep: false }],
  ['audit apim in dev service apim-x deep', { kind: 'audit', environment: 'dev', services: ['apim-x'], ruleIds: [], deep: true }],
  ['audit apim-payments-weu', { kind: 'audit', services: ['apim-payments-weu'], ruleIds: [], deep: false }],
  ['audit apim in prd', { kind: 'audit', environment: 'prd', services: [], ruleIds: [], deep: false }],
  ['<at>APIM posture</at> audit apim in prod', { kind: 'audit', environment: 'prod', services: [], ruleIds: [], deep: false }],
  ['explain apim-4', { kind: 'explain', ruleId: 'APIM-004' }],
  ['explain APIM-001.', { kind: 'explain', ruleId: 'APIM-001' }],
  ['rules', { kind: 'rules' }],
  ['last', { kind: 'last' }],
  ['history', { kind: 'history' }],
  ['history apim-payments-legacy', { kind: 'history', service: 'apim-payments-legacy' }],
  ['history of apim-basic-dev', { kind: 'history', service: 'apim-basic-dev' }],
  ['hello?', { kind: 'help' }],
  ['', { kind: 'help' }],
  ['audti apim', { kind: 'help', unknown: 'audti apim', suggestion: 'audit apim in prod' }],
  ['explian APIM-001', { kind: 'help', unknown: 'explian apim-001', suggestion: 'explain APIM-001' }],
  ['what is the weather', { kind: 'help', unknown: 'what is the weather' }],
  ['explain', { kind: 'help', unknown: 'explain', suggestion: 'explain APIM-001' }],
  // Subscriptions: omitted parts take the defaults (weekly, Monday, 09:00, UTC; alerts: high).
  ['subscribe digest prod weekly Monday 09:00 Europe/Berlin', { kind: 'subscribe', topic: 'digest', environment: 'prod', cadence: 'weekly', day: 'monday', time: '09:00', timeZone: 'Europe/Berlin' }],
  ['subscribe digest prod', { kind: 'subscribe', topic: 'digest', environment: 'prod', cadence: 'weekly', day: 'monday', time: '09:00', timeZone: 'UTC' }],
  ['<at>APIM posture</at> subscribe to the digest for dev on fridays at 5:30pm america/new_york', { kind: 'subscribe', topic: 'digest', environment: 'dev', cadence: 'weekly', day: 'friday', time: '17:30', timeZone: 'America/New_York' }],
  ['subscribe digest prod daily 7:05 utc', { kind: 'subscribe', topic: 'digest', environment: 'prod', cadence: 'daily', day: 'monday', time: '07:05', timeZone: 'UTC' }],
  ['subscribe digest', { kind: 'subscribe', topic: 'digest', cadence: 'weekly', day: 'monday', time: '09:00', timeZone: 'UTC' }],
  ['subscribe digest prod 24:00', { kind: 'invalid', message: '"24:00" is not a time of day; use 24-hour HH:MM such as 09:00.' }],
  ['subscribe digest prod 13pm', { kind: 'invalid', message: '"13pm" is not a time of day; use 24-hour HH:MM such as 09:00.' }],
  ['subscribe digest prod Europe/Atlantis', { kind: 'invalid', message: '"europe/atlantis" is not a time zone I know; use an IANA name such as Europe/Berlin, or UTC.' }],
  ['subscribe digest prod +01:00', { kind: 'invalid', message: 'I did not understand "+01:00"; say it as "subscribe digest prod weekly Monday 09:00 Europe/Berlin".' }],
  ['subscribe digest prod monday tuesday', { kind: 'invalid', message: 'Name one day for the weekly digest, as in "weekly Monday".' }],
  ['subscribe digest prod daily monday', { kind: 'invalid', message: 'A daily digest goes out every day; leave the day out or say "weekly".' }],
  ['subscribe digest prod dev', { kind: 'invalid', message: 'I did not understand "dev"; say it as "subscribe digest prod weekly Monday 09:00 Europe/Berlin".' }],
  ['subscribe alerts prod high', { kind: 'subscribe', topic: 'alerts', environment: 'prod', minSeverity: 'high' }],
  ['subscribe alerts prod', { kind: 'subscribe', topic: 'alerts', environment: 'prod', minSeverity: 'high' }],
  ['subscribe to alerts for dev medium and above', { kind: 'subscribe', topic: 'alerts', environment: 'dev', minSeverity: 'medium' }],
  ['subscribe alerts prod high critical', { kind: 'invalid', message: 'Name one severity: alerts are sent for it and anything more severe.' }],
  ['subscribe newsletter', { kind: 'invalid', message: 'Say what to subscribe to: "subscribe digest prod" or "subscribe alerts prod".' }],
  ['unsubscribe', { kind: 'invalid', message: 'Say what to unsubscribe from: "unsubscribe digest prod" or "unsubscribe alerts prod".' }],
  ['subscriptions', { kind: 'subscriptions' }],
  ['list subscriptions', { kind: 'subscriptions' }],
  ['unsubscribe digest prod', { kind: 'unsubscribe', topic: 'digest', environment: 'prod' }],
  ['unsubscribe from alerts in prod', { kind: 'unsubscribe', topic: 'alerts', environment: 'prod' }],
  ['unsubscribe digest', { kind: 'unsubscribe', topic: 'digest' }],
  ['unsubscribe digest prod dev', { kind: 'invalid', message: '"unsubscribe digest" takes at most an environment, as in "unsubscribe digest prod".' }],
  ['digest now', { kind: 'digest' }],
  ['digest now dev', { kind: 'digest', environment: 'dev' }],
  ['digest prod', { kind: 'digest', environment: 'prod' }],
  ['digest now prod dev', { kind: 'invalid', message: 'Say "digest now" or "digest now prod".' }],
  ['subscirbe digest prod', { kind: 'help', unknown: 'subscirbe digest prod', suggestion: 'subscribe digest prod' }],
];

describe('parseCommand', () => {
  it.each(CASES)('%j', (text, expected) => {
    expect(parseCommand(text, ENVIRONMENTS)).toEqual(expected);
  });
});

describe('canonicalTimeZone', () => {
  it.each([
    ['europe/berlin', 'Europe/Berlin'],
    ['UTC', 'UTC'],
    ['gmt', 'UTC'],
    ['America/Argentina/Buenos_Aires', 'America/Buenos_Aires'],
    ['+01:00', undefined],
    ['Europe/Atlantis', undefined],
    ['Europe', undefined],
    // A legacy one-word name Intl knows: refused, so offsets (which newer Node accepts) are refused the same way.
    ['Japan', undefined],
  ])('%s → %s', (name, expected) => {
    expect(canonicalTimeZone(name)).toBe(expected);
  });
});
