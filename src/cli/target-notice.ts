import type { TargetConfig } from '../config.js';
import { SANDBOX_NOTICE } from '../output/values.js';

/** The README section that says how to point audits at Azure. */
const README_SECTION = 'README, "Auditing live Azure (or the sandbox)"';

/** One line, so it stays the first thing on stderr: nobody should take the sandbox's findings for their estate's. */
export const SANDBOX_BANNER = `${SANDBOX_NOTICE}. To audit real services, set APIM_POSTURE_TARGET=azure (${README_SECTION}).`;

/**
 * What stderr says before a live audit about where it reads from: the sandbox banner, and, when
 * nothing chose the sandbox but Azure credentials seem to be on this machine (`signs`, from
 * azureCredentialSigns), how to use them instead. Nothing for Azure: its label follows on the next line.
 */
export function targetNotices(target: TargetConfig, signs: readonly string[]): string[] {
  // The sandbox token only opens a sandbox, such as one started with `apim-posture sandbox`.
  if (target.kind !== 'sandbox' && target.credential !== 'sandbox') return [];
  const notices = [SANDBOX_BANNER];
  if (target.kind === 'sandbox' && target.byDefault && signs.length > 0) {
    notices.push(
      `Azure credentials found on this machine (${signs.join(', ')}), but no Azure target is configured: run with APIM_POSTURE_TARGET=azure (or "azure": { "target": "azure" } in the --config file) to audit your Azure estate with them.`,
    );
  }
  return notices;
}
