import { ArmRequestError } from '../azure/arm-error.js';
import { ConfigError } from '../engine/audit-config.js';
import { ScopeError } from '../inventory/scope.js';
import { QueryValueError } from '../inventory/query-text.js';
import { RuleOptionsError } from '../engine/options.js';
import { RuleSelectionError } from '../engine/select-rules.js';
import { EstateInputError } from '../estate/load-file.js';
import { StoreError } from '../store/errors.js';
import { runAudit } from './audit-command.js';
import { runAuditLog } from './audit-log-command.js';
import { UsageError } from './errors.js';
import { runExemptions } from './exemptions-command.js';
import type { CliIo } from './io.js';
import { runExplain, runRules } from './rules-command.js';

const USAGE = `Usage: apim-posture <command> [options]

Commands:
  audit --env <name>      audit live Azure (or, unconfigured, the local sandbox) for an environment
  audit --estate <file>   audit an exported APIM estate (table, json, sarif or csv)
  rules                   list the rules
  explain <rule-id>       what a rule checks, why, and how to fix it
  plan <rule-id> --service <name>
                          the fix plan of a rule's findings: changes, request, \`az rest\` command
  fix <rule-id> --service <name> --dry-run
                          the same as plan (applying fixes is not available yet)
  sandbox                 run the local Azure emulator (ARM + Resource Graph) on its own
  audit-log [verify]      the bot's audit trail of fixes, and whether its hash chain holds
  exemptions              the exemptions audits apply: configured and granted in Teams
  digest --env <name>     the weekly digest from posture history: new, overdue, owners, trend
                          (--format markdown|json, --since <date>)

Run \`apim-posture audit --help\`, \`apim-posture plan --help\` and \`apim-posture digest --help\` for their options.
Exit codes: 0 ok · 1 findings at or above --fail-on · 2 usage or input error · 3 internal error.`;

/** Exit code of a bug in apim-posture itself, apart from usage and input errors (2). */
export const INTERNAL_ERROR = 3;

/** Errors a person caused and can fix: one line on stderr, exit 2, no stack trace. */
const INPUT_ERRORS = [UsageError, EstateInputError, ConfigError, RuleOptionsError, RuleSelectionError, ScopeError, QueryValueError, StoreError];
/**
 * The same, told by name: their modules load the Azure SDK or the sandbox, which commands load only
 * when they need them (an offline audit starts without either).
 */
const INPUT_ERROR_NAMES = new Set(['TargetEndpointError', 'NoHistoryError']);

export async function runCli(argv: readonly string[], io: CliIo, version: string): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'audit':
        return await runAudit(rest, io, version);
      case 'rules':
        return runRules(rest, io);
      case 'explain':
        return runExplain(rest, io);
      case 'plan':
      case 'fix': {
        // Loaded on demand, like everything that reaches the Azure SDK or the sandbox: start-up time.
        const { runPlan } = await import('./plan-command.js');
        return await runPlan(command, rest, io, version);
      }
      case 'audit-log':
        return await runAuditLog(rest, io);
      case 'exemptions':
        return await runExemptions(rest, io);
      case 'digest': {
        const { runDigest } = await import('./digest-command.js');
        return await runDigest(rest, io);
      }
      case 'sandbox': {
        const { runSandboxCommand } = await import('./sandbox-command.js');
        return await runSandboxCommand(rest, io, io.abortSignal === undefined ? {} : { signal: io.abortSignal });
      }
      case '--version':
      case '-v':
        io.stdout(`${version}\n`);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"; commands are audit, rules, explain, plan, fix, sandbox, audit-log, exemptions, digest (see --help)`);
    }
  } catch (error) {
    if (io.abortSignal?.aborted === true) {
      io.stderr('apim-posture: interrupted; nothing was written\n');
      return 130;
    }
    if (isRestError(error) || error instanceof ArmRequestError || isAuthenticationFailure(error)) {
      // Azure said no (or could not be reached): the person must act, so one line, not a stack.
      io.stderr(`apim-posture: ${oneLine(error)}\n`);
      return 2;
    }
    if (INPUT_ERRORS.some((type) => error instanceof type) || (error instanceof Error && INPUT_ERROR_NAMES.has(error.name)) || isParseArgsError(error)) {
      io.stderr(`apim-posture: ${(error as Error).message}${isParseArgsError(error) ? ' (see --help)' : ''}\n`);
      return 2;
    }
    // Anything else is our bug: exit 3 (DESIGN), so pipelines tell it apart from a mistake in the
    // call (2); still one line, with a way to see the stack.
    const message = oneLine(error);
    const stack = error instanceof Error ? error.stack : undefined;
    io.stderr(
      `apim-posture: internal error: ${message}${io.env['APIM_POSTURE_DEBUG'] ? `\n${stack ?? ''}` : ' (set APIM_POSTURE_DEBUG=1 for the stack trace, and please report it)'}\n`,
    );
    return INTERNAL_ERROR;
  }
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').trim();
}

/** What @azure/core-rest-pipeline's isRestError checks, without loading the SDK to ask it. */
function isRestError(error: unknown): boolean {
  return error instanceof Error && error.name === 'RestError';
}

/** @azure/identity's errors when no credential can sign in (e.g. no `az login`, no managed identity). */
function isAuthenticationFailure(error: unknown): boolean {
  return error instanceof Error && (error.name === 'CredentialUnavailableError' || error.name === 'AuthenticationError' || error.name === 'AggregateAuthenticationError');
}

/** node:util parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or malformed options. */
function isParseArgsError(error: unknown): boolean {
  const code: unknown = error instanceof TypeError ? (error as TypeError & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}


