import apim001 from './apim-001-legacy-protocols.js';
import apim002 from './apim-002-weak-ciphers.js';
import apim003 from './apim-003-managed-identity.js';
import apim004 from './apim-004-public-network-access.js';
import apim005 from './apim-005-private-endpoint.js';
import apim006 from './apim-006-virtual-network.js';
import apim007 from './apim-007-sku-allow-list.js';
import apim013 from './apim-013-platform-version.js';
import apim014 from './apim-014-min-api-version.js';
import apim020 from './apim-020-diagnostic-settings.js';
import apim021 from './apim-021-defender-for-apis.js';
import apim022 from './apim-022-configuration-endpoints.js';
import apim023 from './apim-023-portal-basic-auth.js';
import apim024 from './apim-024-https-only-apis.js';
import apim025 from './apim-025-https-backends.js';
import apim026 from './apim-026-backend-certificate-validation.js';
import apim027 from './apim-027-backend-authentication.js';
import apim040 from './apim-040-portal-entra-id.js';
import type { AnyRule } from './types.js';

/**
 * Every rule, in id order. A static list, not a directory scan: a missing import fails to compile
 * and the parity test checks that each rule file is listed exactly once.
 */
export const ALL_RULES: readonly AnyRule[] = [
  apim001,
  apim002,
  apim003,
  apim004,
  apim005,
  apim006,
  apim007,
  apim013,
  apim014,
  apim020,
  apim021,
  apim022,
  apim023,
  apim024,
  apim025,
  apim026,
  apim027,
  apim040,
];

export function findRule(id: string): AnyRule | undefined {
  const wanted = id.trim().toUpperCase();
  return ALL_RULES.find((rule) => rule.meta.id === wanted);
}
