/**
 * Prints the Azure RBAC actions APIM posture's fix plans need — the request of every fixable rule's
 * plan on the fixtures in test/infra/plan-fixtures.ts, mapped by src/remediation/rbac-actions.ts —
 * as the JSON list the remediation role in infra/ grants.
 *
 *   npx tsx scripts/role-actions.ts            # the list, with the requests it comes from
 *   npx tsx scripts/role-actions.ts --check    # also compare with infra/*.json; exit 1 on a difference
 *
 * Options: --infra-dir <dir> reads the templates from another folder (default infra/).
 * Exit codes: 0 the list (and, with --check, the templates agree) · 1 a template differs · 2 usage.
 */
import { requiredActions } from '../src/remediation/rbac-actions.js';
import { compareActions, derivedActions, fixturePlans, templateActions } from '../test/infra/role-actions.js';

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  const dirAt = argv.indexOf('--infra-dir');
  const dir = dirAt >= 0 ? argv[dirAt + 1] : undefined;
  const unknown = argv.filter((arg, index) => arg !== '--check' && !(arg === '--infra-dir' || (dirAt >= 0 && index === dirAt + 1)));
  if (unknown.length > 0 || (dirAt >= 0 && dir === undefined)) {
    process.stderr.write(`usage: tsx scripts/role-actions.ts [--check] [--infra-dir <dir>] (unexpected: ${unknown.join(' ') || '--infra-dir without a folder'})\n`);
    return 2;
  }
  const plans = fixturePlans();
  for (const plan of plans) {
    const actions = requiredActions(plan.request).map((required) => (required.kind === 'linked' ? `${required.action} on ${required.field ?? ''}` : required.action));
    process.stdout.write(`# ${plan.ruleId} ${plan.request.method} …${plan.request.path.slice(plan.request.path.indexOf('/providers/'))}: ${actions.join(', ')}\n`);
  }
  const needed = derivedActions(plans);
  process.stdout.write(`${JSON.stringify(needed, null, 2)}\n`);
  if (!check) return 0;
  let status = 0;
  for (const { file, actions } of templateActions(dir)) {
    const { missing, unused } = compareActions(needed, actions);
    if (missing.length === 0 && unused.length === 0) {
      process.stdout.write(`infra/${file} grants exactly these ${needed.length} actions.\n`);
      continue;
    }
    status = 1;
    if (missing.length > 0) process.stdout.write(`infra/${file} lacks actions a fix plan needs: ${missing.join(', ')}\n`);
    if (unused.length > 0) process.stdout.write(`infra/${file} grants actions no fix plan uses: ${unused.join(', ')}\n`);
  }
  return status;
}

process.exitCode = main(process.argv.slice(2));
