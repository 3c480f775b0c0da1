import { ConfigError } from '../engine/audit-config.js';
import { ScopeError } from '../inventory/scope.js';
import { QueryValueError } from '../inventory/query-text.js';
import { RuleOptionsError } from '../engine/options.js';
import { RuleSelectionError } from '../engine/select-rules.js';
import { EstateInputError } from '../estate/load-file.js';
import { runAudit } from './audit-command.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';
import { runExplain, runRules } from './rules-command.js';

const USAGE = `Usage: apim-posture <command> [options]

Commands:
  audit --estate <file>   audit an exported APIM estate (table, json, sarif or csv)
  rules                   list the rules
  explain <rule-id>       what a rule checks, why, and how to fix it

Run \`apim-posture audit --help\` for audit options.`;

/** Errors a person caused and can fix: one line on stderr, exit 2, no stack trace. */
const INPUT_ERRORS = [UsageError, EstateInputError, ConfigError, RuleOptionsError, RuleSelectionError, ScopeError, QueryValueError];

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
        throw new UsageError(`unknown command "${command}"; commands are audit, rules, explain (see --help)`);
    }
  } catch (error) {
    if (INPUT_ERRORS.some((type) => error instanceof type) || isParseArgsError(error)) {
      io.stderr(`apim-posture: ${(error as Error).message}${isParseArgsError(error) ? ' (see --help)' : ''}\n`);
      return 2;
    }
    // Anything else is our bug; still one line, with a way to see more.
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`apim-posture: internal error: ${message}${io.env['APIM_POSTURE_DEBUG'] ? `\n${(error as Error).stack ?? ''}` : ' (set APIM_POSTURE_DEBUG=1 for details)'}\n`);
    return 2;
  }
}

/** node:util parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or malformed options. */
function isParseArgsError(error: unknown): boolean {
  const code: unknown = error instanceof TypeError ? (error as TypeError & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}


