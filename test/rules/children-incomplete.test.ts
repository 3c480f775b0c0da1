import { describe, expect, it } from 'vitest';
import type { ApimService, ChildResource } from '../../src/estate/model.js';
import { collected, judgeChildren, needsChildren } from '../../src/rules/shared/children.js';
import { pass, reasonOf } from '../../src/rules/define-rule.js';

/** A service built by hand, so the helpers are tested apart from normalisation. */
function service(children: ApimService['children'], incompleteChildren?: ApimService['incompleteChildren']): ApimService {
  return {
    id: '/subscriptions/s/resourceGroups/g/providers/Microsoft.ApiManagement/service/apim-x',
    key: '/subscriptions/s/resourcegroups/g/providers/microsoft.apimanagement/service/apim-x',
    name: 'apim-x',
    location: undefined,
    locationKey: undefined,
    subscriptionId: 's',
    resourceGroup: 'g',
    sku: { name: 'Premium', capacity: 1 },
    zones: undefined,
    identity: undefined,
    tags: undefined,
    properties: {},
    systemData: undefined,
    children,
    problem: undefined,
    ...(incompleteChildren === undefined ? {} : { incompleteChildren }),
  };
}

const policy: ChildResource = { id: 'p', name: 'policy', type: 'Microsoft.ApiManagement/service/apis/policies', kind: 'policies', properties: {} };
const reason = "policy documents could not be read completely: operations of API 'orders' could not be listed (403 Forbidden)";

describe('child helpers and incomplete kinds', () => {
  it('never judges policies that were read only in part, even when some are present', () => {
    const partial = service({ policies: [policy] }, { policies: reason });
    const verdicts = judgeChildren(partial, 'policies', () => pass('fine'), { none: 'none' });
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0]?.outcome).toBe('notChecked');
    expect(verdicts[0] && reasonOf(verdicts[0])).toContain(reason);
    expect(collected(partial, ['policies']).missing).toEqual(['policies']);
  });

  it('names the missing part, or the deep audit when the kind was never read', () => {
    expect(reasonOf(needsChildren(['policies'], service({}, { policies: reason })))).toBe(
      `This rule was not checked: ${reason}. Run the audit again, or grant the identity read access to what is missing.`,
    );
    expect(reasonOf(needsChildren(['policies'], service({})))).toBe(
      'This rule needs policy documents, which are not in the estate (they are read from ARM by a deep audit).',
    );
  });
});
