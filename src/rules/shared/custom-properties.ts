import type { ApimService } from '../../estate/model.js';
import { evidence } from '../define-rule.js';
import type { Evidence } from '../types.js';
import { isTrueFlag } from './values.js';

export const GATEWAY_SECURITY = 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security';

/**
 * Services created on or before this instant default every protocol setting (and TripleDes168) to
 * enabled; later services default them to disabled (REST spec: "on or before April 1, 2018").
 */
const LEGACY_DEFAULTS_CUTOFF = Date.parse('2018-04-02T00:00:00Z');

export type CreationEra = 'legacy' | 'modern' | 'unknown';

interface EraFinding {
  readonly era: CreationEra;
  readonly source: string | undefined;
  readonly value: string | undefined;
}

// The keys are a fixed handful; caching their derived strings keeps large audits allocation-light.
const pathCache = new Map<string, string>();
const lowerCaseCache = new Map<string, string>();

/** Decides the era from `properties.createdAtUtc`, falling back to `systemData.createdAt`. */
export function creationEra(service: ApimService): EraFinding {
  const candidates: [string, unknown][] = [
    ['properties.createdAtUtc', service.properties['createdAtUtc']],
    ['systemData.createdAt', service.systemData?.['createdAt']],
  ];
  for (const [source, value] of candidates) {
    if (typeof value !== 'string') continue;
    const time = Date.parse(value);
    if (Number.isNaN(time)) continue;
    return { era: time < LEGACY_DEFAULTS_CUTOFF ? 'legacy' : 'modern', source, value };
  }
  return { era: 'unknown', source: undefined, value: undefined };
}

/** The customProperties map, read case-insensitively by key. */
export function customProperty(service: ApimService, key: string): { present: boolean; value: unknown } {
  const map = service.properties['customProperties'];
  if (typeof map !== 'object' || map === null || Array.isArray(map)) return { present: false, value: undefined };
  const record = map as Record<string, unknown>;
  const exact = record[key];
  const value = exact !== undefined ? exact : findIgnoringCase(record, key);
  return { present: value !== undefined && value !== null, value };
}

/** Keys differ in casing between tools; compare lengths first so most keys cost no allocation. */
function findIgnoringCase(record: Record<string, unknown>, key: string): unknown {
  let wanted = lowerCaseCache.get(key);
  if (wanted === undefined) {
    wanted = key.toLowerCase();
    lowerCaseCache.set(key, wanted);
  }
  for (const name in record) {
    if (name.length === wanted.length && name.toLowerCase() === wanted) return record[name];
  }
  return undefined;
}

export function customPropertyPath(key: string): string {
  let path = pathCache.get(key);
  if (path === undefined) {
    path = `properties.customProperties['${key}']`;
    pathCache.set(key, path);
  }
  return path;
}

/** How an absent setting defaults: by creation era, or always enabled (ciphers). */
export type AbsentDefault = 'by-creation-date' | 'enabled';

export interface FlagJudgement {
  readonly key: string;
  readonly enabled: boolean;
  readonly evidence: Evidence;
}

/**
 * Judges one "must be False" customProperties flag. Absence follows the platform default, and the
 * evidence says which default applied, so a person can see why an absent key failed.
 */
export function judgeDisabledFlag(service: ApimService, key: string, absent: AbsentDefault): FlagJudgement {
  const path = customPropertyPath(key);
  const { present, value } = customProperty(service, key);
  if (present) {
    return { key, enabled: isTrueFlag(value), evidence: evidence(path, value, 'False') };
  }
  if (absent === 'enabled') {
    return { key, enabled: true, evidence: evidence(path, undefined, 'False', 'absent — platform default: enabled') };
  }
  const { era, source, value: created } = creationEra(service);
  switch (era) {
    case 'legacy':
      return {
        key,
        enabled: true,
        evidence: evidence(path, undefined, 'False', `absent — platform default: enabled (created ${created ?? '?'} per ${source ?? '?'}, on or before 2018-04-01)`),
      };
    case 'modern':
      return {
        key,
        enabled: false,
        evidence: evidence(path, undefined, 'False', `absent — platform default: disabled (created ${created ?? '?'} per ${source ?? '?'}, after 2018-04-01)`),
      };
    case 'unknown':
      // Without a creation date the default cannot be proven to be "disabled", so do not pass it.
      return {
        key,
        enabled: true,
        evidence: evidence(
          path,
          undefined,
          'False',
          'absent, and the creation date is unknown (no properties.createdAtUtc or systemData.createdAt) — platform default is enabled for services created on or before 2018-04-01',
        ),
      };
  }
}
