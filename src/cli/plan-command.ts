import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { isExempted, isOpenFailure, type RuleResult } from '../contracts/results.js';
import { auditEstate } from '../engine/audit.js';
import { normaliseRuleId } from '../engine/select-rules.js';
import type { Estate } from '../estate/model.js';
import { loadEstateFile, maxEstateBytes } from '../estate/load-file.js';
import { resolveScope } from '../inventory/scope.js';
import { combinePlans, CombinePlansError, type CombinedFix } from '../remediation/combine-plans.js';
import { planFindings } from '../remediation/finding-plans.js';
import { planText, planView, type PlanView } from '../remediation/plan-text.js';
import { ALL_RULES, findRule } from '../rules/index.js';
import { pathBelowService } from '../rules/shared/children.js';
import type { AnyRule } from '../rules/types.js';
import { closestNames } from '../util/closest-word.js';
import { estateArmEndpoint, parseDate } from './audit-command.js';
import { UsageError } from './errors.js';
import { writeFileAtomic, type CliIo } from './io.js';
import { withStoredExemptions } from './stored-exemptions.js';
import { runLiveAudit } from './live-audit.js';

export const PLAN_USAGE = `Usage: apim-posture plan <rule-id> (--service <name> | <name>)… [--estate <file> | --env <name> | --subscription <id>…] [options]
       apim-posture fix <rule-id> --service <name>… --dry-run [same options]

Prints the fix plan of a rule's findings on the named services: what it changes (before → after),
its preconditions and blast radius, the full ARM request (URL with api-version, headers, JSON body)
and the \`az rest\` command that sends it. Nothing is sent: applying fixes is not available yet.
Live targets are read as \`audit\` reads them (Azure, or without Azure configuration the sandbox),
including the child resources the rule needs.

Options:
  --service <name>       the service to plan for (repeat for several); required
  --estate <file>        plan from an exported estate instead of a live read
  --env <name>           live: the environment the services are in
  --subscription <id>    live: the subscriptions to search (repeat the option)
  --format <f>           text (default) | json
  --output <file>        write the plans to a file instead of standard output
  --config <file>        rule options, exemptions and the Azure target (as for audit)
  --as-of <date>         plan as of this date (certificate expiry, exemptions)

Exit codes: 0 plans printed (or nothing to fix) · 2 usage or input error, or plans that cannot be
sent as one request · 3 internal error.`;

/** One service's part of the answer: its plans, or a sentence saying why it has none. */
interface ServicePlans {
  readonly name: string;
  readonly id: string;
  readonly plans: readonly (PlanView & { readonly ruleIds: readonly string[]; readonly resourceIds: readonly string[] })[];
  readonly note?: string;
}

/**
 * `apim-posture plan APIM-030 --service apim-x` and its alias `fix … --dry-run`. `fix` without
 * `--dry-run` refuses: it would promise a change this version cannot make.
 */
export async function runPlan(command: 'plan' | 'fix', args: readonly string[], io: CliIo, version: string): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      service: { type: 'string', multiple: true },
      estate: { type: 'string' },
      env: { type: 'string' },
      subscription: { type: 'string', multiple: true },
      format: { type: 'string', default: 'text' },
      output: { type: 'string' },
      config: { type: 'string' },
      'as-of': { type: 'string' },
      ...(command === 'fix' ? { 'dry-run': { type: 'boolean' as const, default: false } } : {}),
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(`${PLAN_USAGE}\n`);
    return 0;
  }
  if (command === 'fix' && values['dry-run'] !== true) {
    throw new UsageError('applying fixes is not available yet; `fix <rule-id> --service <name> --dry-run` (or `plan`) prints the plan without changing anything');
  }
  const rule = ruleOf(command, positionals.slice(0, 1));
  // Services may also follow the rule id ("plan APIM-030 apim-x"), the form chat cards quote.
  const services = [...(values.service ?? []), ...positionals.slice(1)];
  if (services.length === 0) throw new UsageError(`${command} needs the service to plan for: --service <name>, or the name after the rule id`);
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`unknown format "${values.format}"; use text or json`);
  const live = values.env !== undefined || values.subscription !== undefined;
  if (live && values.estate !== undefined) throw new UsageError(`${command} takes either --estate or a live scope (--env, --subscription), not both`);
  const now = values['as-of'] === undefined ? io.now() : parseDate(values['as-of']);
  // As for audit: an exemption granted in Teams means no plan, like a configured one.
  const config = await withStoredExemptions(await loadConfig(values.config, io.env), io);
  const auditOptions = { rules: [rule], now, ruleOptions: config.audit.ruleOptions, exemptions: config.audit.exemptions, version, keep: 'all' as const };

  let estate: Estate;
  let results: readonly RuleResult[];
  let armEndpoint: string;
  let source: string;
  if (values.estate === undefined) {
    const scope = resolveScope(
      {
        ...(values.env === undefined ? {} : { environment: values.env }),
        ...(values.subscription === undefined ? {} : { subscriptions: values.subscription }),
        services,
      },
      config.environments,
    );
    // deep: the rule's own child collections are what its plans change; one rule reads little.
    const audited = await runLiveAudit({ config, scope, rules: [rule], deep: true, now, keep: 'all', version }, io);
    ({ estate, armEndpoint } = audited);
    results = audited.report.results;
    source = audited.report.scope?.target ?? scope.name;
  } else {
    const loaded = await loadEstateFile(values.estate, { maxBytes: maxEstateBytes(io.env) });
    estate = { ...loaded, services: pickServices(loaded, services, values.estate) };
    results = auditEstate(estate, { ...auditOptions, source: values.estate }).results;
    armEndpoint = estateArmEndpoint(config);
    source = values.estate;
  }

  const plansByResult = planFindings(results, estate, auditOptions);
  // Services whose plans could not be merged into one request each; the exit code says so.
  const unmergeable: string[] = [];
  const answer: ServicePlans[] = estate.services.map((service) => {
    const own = results.filter((result) => result.ruleId === rule.meta.id && result.serviceId.toLowerCase() === service.key);
    const plans = own.flatMap((result) => {
      const found = plansByResult.get(result);
      if (found !== undefined && 'error' in found) throw new Error(`${rule.meta.id} could not plan a fix for ${result.resourceId}: ${found.error}`);
      return found === undefined ? [] : [found.plan];
    });
    const base = { name: service.name, id: service.id };
    if (plans.length === 0) return { ...base, plans: [], note: whyNoPlan(rule, service.name, own) };
    // Plans that change one resource are sent as one request, as the bot's Fix answer shows them.
    let fixes: CombinedFix[];
    try {
      fixes = combinePlans(plans);
    } catch (error) {
      if (!(error instanceof CombinePlansError)) throw error;
      unmergeable.push(service.name);
      return { ...base, plans: [], note: `${rule.meta.id} on ${service.name} cannot be planned as one change: ${error.message}` };
    }
    return { ...base, plans: fixes.map((fix) => ({ ruleIds: fix.ruleIds, resourceIds: fix.plans.map((plan) => plan.resourceId), ...planView(fix, armEndpoint) })) };
  });

  const text = values.format === 'json' ? `${JSON.stringify({ ruleId: rule.meta.id, fix: rule.meta.fix, source, armEndpoint, services: answer }, null, 2)}\n` : textOf(rule, source, answer);
  if (values.output === undefined) io.stdout(text);
  else {
    await writeFileAtomic(values.output, text);
    io.stderr(`apim-posture: wrote the plan to ${values.output}\n`);
  }
  return unmergeable.length > 0 ? 2 : 0;
}

function ruleOf(command: string, positionals: readonly string[]): AnyRule {
  const [id, ...extra] = positionals;
  if (id === undefined) throw new UsageError(`${command} needs a rule id, e.g. \`apim-posture ${command} APIM-001 --service <name>${command === 'fix' ? ' --dry-run' : ''}\``);
  if (extra.length > 0) throw new UsageError(`${command} takes one rule id, got ${positionals.length}`);
  const rule = findRule(normaliseRuleId(id));
  if (rule === undefined) {
    throw new UsageError(`there is no rule "${id}"; rules are APIM-001 … APIM-${String(ALL_RULES.length).padStart(3, '0')} (\`apim-posture rules\` lists them)`);
  }
  return rule;
}

/** The services of an estate file named (case-insensitively); a name that matches none is an input error with suggestions. */
function pickServices(estate: Estate, names: readonly string[], file: string): Estate['services'] {
  return names.map((name) => {
    const found = estate.services.find((service) => service.name.toLowerCase() === name.toLowerCase());
    if (found !== undefined) return found;
    const close = closestNames(name, estate.services.map((service) => service.name));
    throw new UsageError(`no APIM service named '${name}' in ${file}${close.length > 0 ? `; did you mean ${close.join(', ')}?` : ''}`);
  });
}

/** Why a service has no plan for the rule, as a sentence. */
function whyNoPlan(rule: AnyRule, serviceName: string, results: readonly RuleResult[]): string {
  const id = rule.meta.id;
  const first = (predicate: (result: RuleResult) => boolean): RuleResult | undefined => results.find(predicate);
  if (results.some(isOpenFailure)) {
    return rule.meta.fix === 'manual'
      ? `${id} fails on ${serviceName} and has no automatic fix; \`apim-posture explain ${id}\` says how to fix it by hand.`
      : `${id} fails on ${serviceName}, but the service as read leaves nothing for a request to change.`;
  }
  const exempted = first(isExempted);
  if (exempted?.exemption !== undefined) return `${id} fails on ${serviceName} but is exempted until ${exempted.exemption.expires} (${exempted.exemption.reason}); no plan is made.`;
  const error = first((result) => result.outcome === 'error');
  if (error !== undefined) return `${id} could not be judged on ${serviceName}: ${error.reason}`;
  const notChecked = first((result) => result.outcome === 'notChecked');
  if (notChecked !== undefined) return `${id} was not checked on ${serviceName}: ${notChecked.reason}`;
  if (results.length > 0 && results.every((result) => result.outcome === 'notApplicable')) return `${id} does not apply to ${serviceName}: ${results[0]?.reason ?? ''}`;
  return `${id} passes on ${serviceName}: nothing to fix.`;
}

function textOf(rule: AnyRule, source: string, services: readonly ServicePlans[]): string {
  const count = services.reduce((sum, service) => sum + service.plans.length, 0);
  const head = `Fix plan for ${rule.meta.id} (${rule.meta.failureTitle}; ${rule.meta.fix} fix) from ${source}: ${count === 1 ? '1 request' : `${count} requests`}. Nothing is sent; applying is not available yet.`;
  const blocks = services.flatMap((service) => {
    if (service.plans.length === 0) return [`${service.note ?? ''}\n`];
    return service.plans.map((plan, index) => {
      const below = pathBelowService(plan.request.path);
      const position = service.plans.length > 1 ? ` (${index + 1} of ${service.plans.length})` : '';
      return planText(`== ${plan.ruleIds.join(', ')} on ${service.name}${below === undefined ? '' : ` · ${below}`}${position} ==`, plan);
    });
  });
  return [`${head}\n`, ...blocks].join('\n');
}
