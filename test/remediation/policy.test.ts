import { describe, expect, it } from 'vitest';
import { DENY_ALL, effectivePolicy, mayApprove, mayRequest, needsApproval, remediationPolicySchema, sandboxDemoPolicy, type RemediationPolicy } from '../../src/remediation/policy.js';

/** Deny by default: every refusal below is one guard; removing it makes its case pass when it must not. */
const ALEX = '00000000-0000-0000-0000-000000000020';
const SAM = '11111111-2222-3333-4444-555555555555';
const EVE = '99999999-9999-9999-9999-999999999999';
const CHANNEL = '19:security@thread.tacv2';

const policy: RemediationPolicy = remediationPolicySchema.parse({
  environments: {
    prod: { requesters: [ALEX, SAM], approvers: [SAM], kinds: ['safe'], conversations: [CHANNEL] },
    dev: { requesters: [ALEX.toUpperCase()], kinds: ['safe', 'guarded'], conversations: [CHANNEL] },
  },
});

const request = { environment: 'prod', userId: ALEX, conversationId: CHANNEL, kind: 'safe' as const };

describe('mayRequest', () => {
  it('allows a listed person, kind and conversation', () => {
    expect(mayRequest(policy, request)).toEqual({ ok: true });
    // Object ids compare without case.
    expect(mayRequest(policy, { ...request, environment: 'dev', kind: 'guarded' })).toEqual({ ok: true });
  });

  it.each([
    ['an environment that is not configured', { environment: 'test' }, 'Fixes are not enabled for test'],
    ['an environment name inherited from Object.prototype', { environment: 'constructor' }, 'Fixes are not enabled for constructor'],
    ['a fix kind that is not allowed', { kind: 'guarded' as const }, 'Guarded fixes are not enabled for prod'],
    ['a manual finding', { kind: 'manual' as const }, 'fixed by hand'],
    ['another conversation', { conversationId: 'a:personal-chat' }, 'cannot be requested from this conversation'],
    ['no Entra object id', { userId: undefined }, 'Teams did not say who you are'],
    ['an empty Entra object id', { userId: '' }, 'Teams did not say who you are'],
    ['someone not listed', { userId: EVE }, 'You are not on the list of people who may apply fixes in prod'],
  ])('refuses %s, in one line', (_name, change, reason) => {
    const decision = mayRequest(policy, { ...request, ...change });
    expect(decision.ok).toBe(false);
    expect(decision.ok ? '' : decision.reason).toContain(reason);
    expect(decision.ok ? '' : decision.reason).not.toContain('\n');
  });

  it('refuses everything when the configuration has no policy', () => {
    expect(mayRequest(DENY_ALL, request)).toMatchObject({ ok: false });
    expect(mayRequest(remediationPolicySchema.parse({}), request)).toMatchObject({ ok: false });
  });
});

describe('mayApprove', () => {
  const approval = { environment: 'prod', approverId: SAM, requesterId: ALEX, conversationId: CHANNEL };
  it('allows a listed approver who is not the requester', () => {
    expect(mayApprove(policy, approval)).toEqual({ ok: true });
  });

  it.each([
    ['self-approval, whatever the case of the id', { approverId: ALEX.toUpperCase() }, 'a second person must approve it'],
    ['self-approval by a listed approver', { approverId: SAM, requesterId: SAM }, 'a second person must approve it'],
    ['someone who may request but not approve', { approverId: EVE }, 'may approve fixes in prod'],
    ['another conversation', { conversationId: 'a:elsewhere' }, 'cannot be approved from this conversation'],
    ['no Entra object id', { approverId: undefined }, 'Teams did not say who you are'],
    ['an unconfigured environment', { environment: 'test' }, 'not enabled for test'],
  ])('refuses %s', (_name, change, reason) => {
    const decision = mayApprove(policy, { ...approval, ...change });
    expect(decision.ok ? '' : decision.reason).toContain(reason);
  });
});

describe('needsApproval', () => {
  it('is on for environments named like production unless configured off, and can be turned on anywhere', () => {
    expect(needsApproval(policy, 'prod')).toBe(true);
    expect(needsApproval(policy, 'dev')).toBe(false);
    expect(needsApproval(DENY_ALL, 'production')).toBe(true);
    const custom = remediationPolicySchema.parse({ environments: { prod: { production: false }, staging: { production: true } } });
    expect(needsApproval(custom, 'prod')).toBe(false);
    expect(needsApproval(custom, 'staging')).toBe(true);
  });
});

describe('remediationPolicySchema', () => {
  it('refuses ids that are not object ids and unknown keys', () => {
    expect(remediationPolicySchema.safeParse({ environments: { prod: { requesters: ['alex@contoso.com'] } } }).success).toBe(false);
    expect(remediationPolicySchema.safeParse({ environments: { prod: { everyone: true } } }).success).toBe(false);
    expect(remediationPolicySchema.safeParse({ approvalExpiresInMinutes: 0 }).success).toBe(false);
  });
});

describe('the configuration file', () => {
  it('denies every fix unless it has a remediation section, and reads one when it does', async () => {
    const { loadConfig, parseConfigFile } = await import('../../src/config.js');
    expect((await loadConfig(undefined, {})).remediation).toEqual(DENY_ALL);
    const file = parseConfigFile({ remediation: { environments: { dev: { requesters: [ALEX], conversations: [CHANNEL] } } } }, 'test.json');
    expect(file.remediation?.environments['dev']?.requesters).toEqual([ALEX]);
    expect(() => parseConfigFile({ remediation: { environments: { dev: { requesters: ['everyone'] } } } }, 'test.json')).toThrow(/Entra object id/);
  });
});

describe('the sandbox demo policy', () => {
  const demo = sandboxDemoPolicy(['prod', 'dev']);
  const someone = '00000000-0000-0000-0000-0000000000020';

  it('lets anyone request in any conversation, but production still needs a different person', () => {
    expect(mayRequest(demo, { environment: 'dev', userId: someone, conversationId: 'a:any', kind: 'guarded' })).toEqual({ ok: true });
    expect(needsApproval(demo, 'prod')).toBe(true);
    expect(mayApprove(demo, { environment: 'prod', approverId: someone, requesterId: someone, conversationId: 'a:any' })).toMatchObject({ ok: false, reason: expect.stringContaining('second person') as unknown });
    expect(mayApprove(demo, { environment: 'prod', approverId: '00000000-0000-0000-0000-0000000000021', requesterId: someone, conversationId: 'a:any' })).toEqual({ ok: true });
    expect(mayRequest(demo, { environment: 'dev', userId: undefined, conversationId: 'a:any', kind: 'safe' })).toMatchObject({ ok: false });
    expect(mayRequest(demo, { environment: 'staging', userId: someone, conversationId: 'a:any', kind: 'safe' })).toMatchObject({ ok: false });
  });

  it('is used on the sandbox only, and only when nothing is configured', () => {
    expect(effectivePolicy(DENY_ALL, 'azure', ['prod'])).toBe(DENY_ALL);
    const configured = remediationPolicySchema.parse({ environments: { prod: { requesters: ['11111111-2222-3333-4444-555555555555'] } } });
    expect(effectivePolicy(configured, 'sandbox', ['prod'])).toBe(configured);
    expect(effectivePolicy(DENY_ALL, 'sandbox', ['prod']).environments['prod']?.anyone).toBe(true);
  });

  it('cannot be switched on from a configuration file', () => {
    expect(remediationPolicySchema.safeParse({ environments: { prod: { anyone: true } } }).success).toBe(false);
  });
});
