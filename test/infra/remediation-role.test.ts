import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_RULES } from '../../src/rules/index.js';
import { PLAN_FIXTURES, plansFor } from './plan-fixtures.js';
import { compareActions, derivedActions, fixturePlans, templateActions } from './role-actions.js';

const fixable = ALL_RULES.filter((rule) => rule.meta.fix !== 'manual');

describe('the fix plans the role is derived from', () => {
  it('every fixable rule has fixtures, and only fixable rules do', () => {
    expect(Object.keys(PLAN_FIXTURES).sort()).toEqual(fixable.map((rule) => rule.meta.id).sort());
  });

  it.each(fixable.flatMap((rule) => (PLAN_FIXTURES[rule.meta.id] ?? []).map((fixture) => [rule.meta.id, fixture.name, rule, fixture] as const)))(
    '%s plans a fix on "%s"',
    (_id, _name, rule, fixture) => {
      expect(plansFor(rule, fixture).length).toBeGreaterThan(0);
    },
  );
});

describe('the remediation role', () => {
  const needed = derivedActions();

  it('is what the plans need: the writes they send and the linked actions on resources they name', () => {
    expect(needed).toEqual([
      'Microsoft.ApiManagement/service/apis/write',
      'Microsoft.ApiManagement/service/backends/write',
      'Microsoft.ApiManagement/service/portalconfigs/write',
      'Microsoft.ApiManagement/service/products/write',
      'Microsoft.ApiManagement/service/tenant/write',
      'Microsoft.ApiManagement/service/write',
      'Microsoft.Insights/diagnosticSettings/write',
      'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action',
      'Microsoft.Network/publicIPAddresses/join/action',
      'Microsoft.Network/virtualNetworks/subnets/join/action',
      'Microsoft.OperationalInsights/workspaces/sharedKeys/action',
      'Microsoft.Security/apiCollections/write',
    ]);
  });

  it.each(templateActions())('in $file grants every action a plan needs and none that no plan uses', ({ actions }) => {
    const { missing, unused } = compareActions(needed, actions);
    expect(missing, 'actions a fix plan needs that the role lacks').toEqual([]);
    expect(unused, 'actions the role grants that no fix plan uses').toEqual([]);
  });

  it('grants no wildcard, read or delete action', () => {
    for (const { actions } of templateActions()) {
      for (const action of actions) expect(action).toMatch(/^[A-Za-z.]+(\/[A-Za-z]+)+\/(write|action)$/);
    }
  });
});

describe('compareActions', () => {
  const needed = ['Microsoft.ApiManagement/service/write', 'Microsoft.Insights/diagnosticSettings/write'];

  it('names an action the role lacks', () => {
    expect(compareActions(needed, ['Microsoft.ApiManagement/service/write'])).toEqual({ missing: ['Microsoft.Insights/diagnosticSettings/write'], unused: [] });
  });

  it('names an action no plan uses, and a duplicate grant', () => {
    expect(compareActions(needed, [...needed, 'Microsoft.ApiManagement/service/delete', 'microsoft.apimanagement/SERVICE/write'])).toEqual({
      missing: [],
      unused: ['Microsoft.ApiManagement/service/delete', 'microsoft.apimanagement/SERVICE/write'],
    });
  });

  it('compares without regard to case, as RBAC does', () => {
    expect(compareActions(['Microsoft.ApiManagement/service/portalconfigs/write'], ['Microsoft.ApiManagement/service/portalConfigs/write'])).toEqual({ missing: [], unused: [] });
  });

  it('sees a plan that needs a new action: the role test would fail', () => {
    const plans = fixturePlans();
    const extra = { ...plans[0], request: { method: 'PUT' as const, path: `${plans[0]?.resourceId ?? ''}/namedValues/secret`, apiVersion: '2024-05-01', body: {} } };
    const withNew = derivedActions([...plans, extra as (typeof plans)[number]]);
    const [granted] = templateActions();
    expect(compareActions(withNew, granted?.actions ?? []).missing).toEqual(['Microsoft.ApiManagement/service/namedValues/write']);
  });
});

describe('scripts/role-actions.ts', () => {
  const root = join(import.meta.dirname, '..', '..');
  const script = join(root, 'scripts', 'role-actions.ts');

  it('prints the derived actions and, with --check, confirms the templates grant exactly those', () => {
    const output = execFileSync(process.execPath, ['--import', 'tsx', script, '--check'], { cwd: root, encoding: 'utf8' });
    expect(output).toContain('Microsoft.ApiManagement/service/write');
    expect(output).toContain('infra/main.json grants exactly these 12 actions.');
    expect(output).toContain('infra/access-management-group.json grants exactly these 12 actions.');
  });

  it('with --check, exits 1 naming the action a template lacks and the one no plan uses', () => {
    const dir = mkdtempSync(join(tmpdir(), 'role-actions-'));
    try {
      cpSync(join(root, 'infra'), dir, { recursive: true });
      const file = join(dir, 'main.json');
      const template = JSON.parse(readFileSync(file, 'utf8')) as { variables: { remediationRole: { actions: string[] } } };
      const actions = template.variables.remediationRole.actions;
      template.variables.remediationRole.actions = [...actions.filter((action) => action !== 'Microsoft.Security/apiCollections/write'), 'Microsoft.ApiManagement/service/delete'];
      writeFileSync(file, JSON.stringify(template));
      const run = spawnSync(process.execPath, ['--import', 'tsx', script, '--check', '--infra-dir', dir], { cwd: root, encoding: 'utf8' });
      expect(run.status).toBe(1);
      expect(run.stdout).toContain('infra/main.json lacks actions a fix plan needs: Microsoft.Security/apiCollections/write');
      expect(run.stdout).toContain('infra/main.json grants actions no fix plan uses: Microsoft.ApiManagement/service/delete');
      expect(run.stdout).toContain('infra/access-management-group.json grants exactly these 12 actions.');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
