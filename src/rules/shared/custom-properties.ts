import type { ApimService } from '../../estate/model.js';
import { evidence } from '../define-rule.js';
import type { FixChange } from '../../contracts/fix-plan.js';
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

const UNKNOWN_ERA: EraFinding = { era: 'unknown', source: undefined, value: undefined };

/** Decides the era from `properties.createdAtUtc`, falling back to `systemData.createdAt`. */
export function creationEra(service: ApimService): EraFinding {
  return (
    eraFrom('properties.createdAtUtc', service.properties['createdAtUtc']) ??
    eraFrom('systemData.createdAt', service.systemData?.['createdAt']) ??
    UNKNOWN_ERA
  );
}

function eraFrom(source: string, value: unknown): EraFinding | undefined {
  if (typeof value !== 'string') return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) return undefined;
  return { era: time < LEGACY_DEFAULTS_CUTOFF ? 'legacy' : 'modern', source, value };
}

/** How an absent setting defaults: by creation era, or always enabled (ciphers). */
export type AbsentDefault = 'by-creation-date' | 'enabled';

/** A customProperties switch that must be "False", with what is derived from its key worked out once. */
export interface DisabledSwitch {
  readonly key: string;
  /** The words people use for it: "client TLS 1.0", "TLS_RSA_WITH_AES_128_CBC_SHA". */
  readonly label: string;
  readonly absent: AbsentDefault;
  /** Evidence path: `properties.customProperties['<key>']`. */
  readonly path: string;
  /** The key in lower case, for the case-insensitive fallback. */
  readonly lowerKey: string;
}

/** Describes a switch; rules call it at module level, so paths are built once, not per service. */
export function disabledSwitch(key: string, label: string, absent: AbsentDefault): DisabledSwitch {
  return { key, label, absent, path: `properties.customProperties['${key}']`, lowerKey: key.toLowerCase() };
}

export interface SwitchesJudgement {
  /** Evidence for every switch, in the order given. */
  readonly all: Evidence[];
  /** Evidence for the switches that are enabled: a "true" value, or absent with an enabled default. */
  readonly enabled: Evidence[];
  /** Labels of the enabled switches, in the order given. */
  readonly enabledLabels: string[];
  /** The enabled switches themselves, in the order given (what a fix sets to "False"). */
  readonly enabledSwitches: DisabledSwitch[];
}

/**
 * Judges "must be False" customProperties switches. Keys are matched exactly, then
 * case-insensitively. An absent key follows the platform default, and the evidence note says which
 * default applied, so a person can see why an absent key failed.
 */
export function judgeDisabledSwitches(service: ApimService, switches: readonly DisabledSwitch[]): SwitchesJudgement {
  const map = customPropertiesMap(service);
  const all: Evidence[] = [];
  const enabled: Evidence[] = [];
  const enabledLabels: string[] = [];
  const enabledSwitches: DisabledSwitch[] = [];
  // Read once per service, and only when a key that defaults by creation date is absent.
  let byCreationDate: AbsentJudgement | undefined;
  for (const flag of switches) {
    const value = map === undefined ? undefined : customPropertyValue(map, flag);
    let found: Evidence;
    let isEnabled: boolean;
    if (value !== undefined && value !== null) {
      found = evidence(flag.path, value, 'False');
      isEnabled = isTrueFlag(value);
    } else if (flag.absent === 'enabled') {
      found = evidence(flag.path, undefined, 'False', 'absent — platform default: enabled');
      isEnabled = true;
    } else {
      byCreationDate ??= absentByCreationDate(service);
      found = evidence(flag.path, undefined, 'False', byCreationDate.note);
      isEnabled = byCreationDate.enabled;
    }
    all.push(found);
    if (isEnabled) {
      enabled.push(found);
      enabledLabels.push(flag.label);
      enabledSwitches.push(flag);
    }
  }
  return { all, enabled, enabledLabels, enabledSwitches };
}

/**
 * Whether any of the switches is enabled, judged as {@link judgeDisabledSwitches} judges them but
 * without building evidence: what evaluate needs, while the evidence waits until a result is kept.
 */
export function anySwitchEnabled(service: ApimService, switches: readonly DisabledSwitch[]): boolean {
  const map = customPropertiesMap(service);
  let legacyOrUnknown: boolean | undefined;
  for (const flag of switches) {
    const value = map === undefined ? undefined : customPropertyValue(map, flag);
    if (value !== undefined && value !== null) {
      if (isTrueFlag(value)) return true;
    } else if (flag.absent === 'enabled') {
      return true;
    } else {
      // Absent with a by-creation-date default: enabled unless the service provably is modern.
      legacyOrUnknown ??= creationEra(service).era !== 'modern';
      if (legacyOrUnknown) return true;
    }
  }
  return false;
}

/** The customProperties map, when it is one. */
function customPropertiesMap(service: ApimService): Record<string, unknown> | undefined {
  const map = service.properties['customProperties'];
  return typeof map === 'object' && map !== null && !Array.isArray(map) ? (map as Record<string, unknown>) : undefined;
}

/** The map to send and the diff of a fix that sets switches to "False". */
export interface SwitchesFix {
  /** The whole customProperties map: every existing key kept, the switches set to "False". */
  readonly customProperties: Record<string, unknown>;
  readonly changes: FixChange[];
}

/**
 * Read-modify-write of the whole customProperties map (rules catalog, gotcha 1): ARM resets keys a
 * PATCH omits to their defaults, which are "True" for services created on or before 2018-04-01 and
 * for every cipher, so the map is re-sent with every existing key (Http2, other ciphers, keys this
 * rule does not know) and only `switches` changed. A switch present under other casing keeps its
 * key; an absent one is added under its documented key.
 */
export function disableSwitches(service: ApimService, switches: readonly DisabledSwitch[]): SwitchesFix {
  const customProperties: Record<string, unknown> = { ...customPropertiesMap(service) };
  const changes: FixChange[] = [];
  for (const flag of switches) {
    const key = customPropertyKey(customProperties, flag) ?? flag.key;
    const before = customProperties[key];
    customProperties[key] = 'False';
    changes.push({ path: `properties.customProperties['${key}']`, before, after: 'False' });
  }
  return { customProperties, changes };
}

/** The key under which a switch sits in the map: its documented key, else one that matches ignoring case. */
function customPropertyKey(map: Record<string, unknown>, flag: DisabledSwitch): string | undefined {
  if (map[flag.key] !== undefined) return flag.key;
  for (const name in map) {
    if (name.length === flag.lowerKey.length && name.toLowerCase() === flag.lowerKey) return name;
  }
  return undefined;
}

/** A switch's value: the exact key first, else the first key that matches it ignoring case. */
function customPropertyValue(map: Record<string, unknown>, flag: DisabledSwitch): unknown {
  const exact = map[flag.key];
  if (exact !== undefined) return exact;
  // Keys differ in casing between tools; compare lengths first so most keys cost no allocation.
  for (const name in map) {
    if (name.length === flag.lowerKey.length && name.toLowerCase() === flag.lowerKey) return map[name];
  }
  return undefined;
}

interface AbsentJudgement {
  readonly enabled: boolean;
  readonly note: string;
}

/** What an absent protocol switch (or TripleDes168) means for this service, by its creation date. */
function absentByCreationDate(service: ApimService): AbsentJudgement {
  const { era, source, value: created } = creationEra(service);
  switch (era) {
    case 'legacy':
      return {
        enabled: true,
        note: `absent — platform default: enabled (created ${created ?? '?'} per ${source ?? '?'}, on or before 2018-04-01)`,
      };
    case 'modern':
      return {
        enabled: false,
        note: `absent — platform default: disabled (created ${created ?? '?'} per ${source ?? '?'}, after 2018-04-01)`,
      };
    case 'unknown':
      // Without a creation date the default cannot be proven to be "disabled", so do not pass it.
      return {
        enabled: true,
        note: 'absent, and the creation date is unknown (no properties.createdAtUtc or systemData.createdAt) — platform default is enabled for services created on or before 2018-04-01',
      };
  }
}
