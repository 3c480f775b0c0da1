import apim001 from './apim-001-legacy-protocols.js';
import apim002 from './apim-002-weak-ciphers.js';
import apim003 from './apim-003-managed-identity.js';
import apim004 from './apim-004-public-network-access.js';
import apim005 from './apim-005-private-endpoint.js';
import apim006 from './apim-006-virtual-network.js';
import apim007 from './apim-007-sku-allow-list.js';
import apim008 from './apim-008-zone-redundancy.js';
import apim009 from './apim-009-zone-units.js';
import apim010 from './apim-010-sla-tier.js';
import apim011 from './apim-011-multi-region.js';
import apim012 from './apim-012-regional-gateways.js';
import apim013 from './apim-013-platform-version.js';
import apim014 from './apim-014-min-api-version.js';
import apim015 from './apim-015-certificate-expiry.js';
import apim016 from './apim-016-service-name.js';
import apim017 from './apim-017-tags.js';
import apim018 from './apim-018-client-certificates.js';
import apim019 from './apim-019-autoscale.js';
import apim020 from './apim-020-diagnostic-settings.js';
import apim021 from './apim-021-defender-for-apis.js';
import apim022 from './apim-022-configuration-endpoints.js';
import apim023 from './apim-023-portal-basic-auth.js';
import apim024 from './apim-024-https-only-apis.js';
import apim025 from './apim-025-https-backends.js';
import apim026 from './apim-026-backend-certificate-validation.js';
import apim027 from './apim-027-backend-authentication.js';
import apim028 from './apim-028-key-vault-named-values.js';
import apim029 from './apim-029-all-apis-subscriptions.js';
import apim030 from './apim-030-product-subscription.js';
import apim031 from './apim-031-product-approval.js';
import apim032 from './apim-032-sample-products.js';
import apim033 from './apim-033-product-terms.js';
import apim034 from './apim-034-product-descriptors.js';
import apim035 from './apim-035-api-descriptors.js';
import apim036 from './apim-036-cors-wildcards.js';
import apim037 from './apim-037-policy-base.js';
import apim038 from './apim-038-authenticated-endpoints.js';
import apim039 from './apim-039-unused-endpoints.js';
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
  apim008,
  apim009,
  apim010,
  apim011,
  apim012,
  apim013,
  apim014,
  apim015,
  apim016,
  apim017,
  apim018,
  apim019,
  apim020,
  apim021,
  apim022,
  apim023,
  apim024,
  apim025,
  apim026,
  apim027,
  apim028,
  apim029,
  apim030,
  apim031,
  apim032,
  apim033,
  apim034,
  apim035,
  apim036,
  apim037,
  apim038,
  apim039,
  apim040,
];

export function findRule(id: string): AnyRule | undefined {
  const wanted = id.trim().toUpperCase();
  return ALL_RULES.find((rule) => rule.meta.id === wanted);
}
