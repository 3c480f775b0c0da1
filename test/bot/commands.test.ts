import { describe, expect, it } from 'vitest';
import { parseCommand, type Command } from '../../src/bot/commands.js';

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
];

describe('parseCommand', () => {
  it.each(CASES)('%j', (text, expected) => {
    expect(parseCommand(text, ENVIRONMENTS)).toEqual(expected);
  });
});
