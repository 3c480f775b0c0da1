import { auditLive } from '../audit/live-audit.js';
import { connectTarget } from '../azure/connect.js';
import { azureCredentialSigns } from '../azure/credential-signs.js';
import type { AppConfig } from '../config.js';
import type { ResultsKept } from '../engine/audit.js';
import type { Report } from '../engine/report.js';
import type { Estate } from '../estate/model.js';
import type { ResolvedScope } from '../inventory/scope.js';
import type { AnyRule } from '../rules/types.js';
import { writeFileAtomic, type CliIo } from './io.js';
import { progressLine } from './progress.js';
import { targetNotices } from './target-notice.js';
import { plural } from '../util/text.js';

export interface LiveAuditOptions {
  readonly config: AppConfig;
  readonly scope: ResolvedScope;
  readonly rules: readonly AnyRule[];
  readonly deep: boolean;
  readonly now: Date;
  readonly keep: ResultsKept;
  /** Write the inventoried estate (raw ARM JSON) here, to audit offline or attach to a ticket. */
  readonly saveEstate?: string;
  readonly version: string;
  /** ANSI colour for the sandbox banner on stderr (default none). */
  readonly color?: boolean;
}

/** What a live audit gives the CLI: the report, the estate it was made from, and the ARM host read. */
export interface LiveAuditOutcome {
  readonly report: Report;
  /** The audited estate, for fix plans. */
  readonly estate: Estate;
  /** The target's ARM endpoint, which fix plans' URLs name. */
  readonly armEndpoint: string;
}

/**
 * `audit --env prod`: resolve the target (Azure, or the sandbox started in-process), audit the
 * scope with a progress line on a terminal, and say which target and scope were used.
 */
export async function runLiveAudit(options: LiveAuditOptions, io: CliIo): Promise<LiveAuditOutcome> {
  const notices = targetNotices(options.config.target, options.config.target.kind === 'sandbox' && options.config.target.byDefault ? azureCredentialSigns(io.env) : []);
  notices.forEach((notice, index) => {
    // The banner (first) is black on yellow on a terminal: it must not read as one more status line.
    io.stderr(`apim-posture: ${options.color === true && index === 0 ? `\u001b[1;30;43m${notice}\u001b[0m` : notice}\n`);
  });
  const connection = await connectTarget(options.config.target);
  try {
    const { target } = connection;
    io.stderr(`apim-posture: auditing ${options.scope.name} on ${target.label}${options.deep ? ' (deep: child resources from ARM)' : ''}\n`);
    const progress = progressLine(io.stderr, io.stderrIsTty);
    const { report, inventory, estate } = await auditLive(target, {
      scope: options.scope,
      rules: options.rules,
      deep: options.deep,
      now: options.now,
      audit: options.config.audit,
      keep: options.keep,
      version: options.version,
      onProgress: (step) => {
        progress.update(step);
      },
      ...(io.abortSignal === undefined ? {} : { abortSignal: io.abortSignal }),
    }).finally(() => {
      progress.done();
    });
    if (options.saveEstate !== undefined) {
      // The estate names every service, backend URL and setting: owner-only, like a credentials file.
      await writeFileAtomic(options.saveEstate, `${JSON.stringify(inventory.entries, null, 2)}\n`, { mode: 0o600 });
      io.stderr(`apim-posture: saved the estate (${plural(inventory.entries.length, 'resource')}) to ${options.saveEstate}\n`);
    }
    return { report, estate, armEndpoint: target.endpoint };
  } finally {
    await connection.close();
  }
}
