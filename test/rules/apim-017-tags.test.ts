import rule from '../../src/rules/apim-017-tags.js';
import { apimService, apimV2Service } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2 with tags', resources: [apimV2Service('BasicV2')], reason: "Service 'apim-test' carries 2 tags (env, owner)." },
    { name: 'StandardV2 with the required tags', resources: [apimV2Service('StandardV2')], options: { requiredTags: ['env'] }, reason: 'carries every required tag (env)' },
    { name: 'fixture tags env and owner', resources: [apimService()], reason: "Service 'apim-test' carries 2 tags (env, owner)." },
    { name: 'one tag with an empty value', resources: [apimService({ tags: { env: '' } })], reason: '1 tag' },
    {
      name: 'required tags present',
      resources: [apimService()],
      options: { requiredTags: ['env', 'owner'] },
      reason: "Service 'apim-test' carries every required tag (env, owner).",
    },
    { name: 'required tags matched case-insensitively', resources: [apimService({ tags: { Env: 'prod', OWNER: 'x' } })], options: { requiredTags: ['env', 'owner'] } },
  ],
  fail: [
    { name: 'PremiumV2 without tags', resources: [apimV2Service('PremiumV2', { tags: {} })], reason: 'has no tags', evidence: [{ path: 'tags', actual: {}, note: 'empty' }] },
    {
      name: 'tags absent',
      resources: [apimService({ top: { tags: undefined } })],
      reason: "Service 'apim-test' has no tags.",
      evidence: [{ path: 'tags', actual: undefined, expected: 'at least one tag', note: 'absent' }],
    },
    { name: 'tags null', resources: [apimService({ tags: null })], evidence: [{ path: 'tags', actual: undefined, note: 'absent (or null)' }] },
    { name: 'tags empty', resources: [apimService({ tags: {} })], evidence: [{ path: 'tags', actual: {}, expected: 'at least one tag', note: 'empty' }] },
    {
      name: 'tags empty with required tags configured',
      resources: [apimService({ tags: {} })],
      options: { requiredTags: ['env', 'costCenter'] },
      reason: "Service 'apim-test' has no tags; required: env, costCenter.",
      evidence: [{ path: 'tags', expected: 'tags env, costCenter' }],
    },
    {
      name: 'one required tag missing',
      resources: [apimService()],
      options: { requiredTags: ['env', 'costCenter'] },
      reason: "Service 'apim-test' lacks the required tag 'costCenter'.",
      evidence: [{ path: "tags['costCenter']", actual: undefined, expected: 'present', note: "the service has 'env', 'owner'" }],
    },
    {
      name: 'two required tags missing',
      resources: [apimService({ tags: { Environment: 'prod' } })],
      options: { requiredTags: ['env', 'owner'] },
      reason: "lacks the required tags 'env', 'owner'.",
      evidence: [{ path: "tags['env']" }, { path: "tags['owner']" }],
    },
  ],
  notApplicable: [
    {
      name: 'service being deleted',
      resources: [apimService({ tags: {}, properties: { provisioningState: 'Deleting' } })],
      reason: "Service 'apim-test' is being deleted (properties.provisioningState is Deleting), so its tags are not checked.",
    },
  ],
  error: [{ name: 'service with null properties', resources: [{ ...apimService(), properties: null }], reason: 'properties is null' }],
});
