import type { ApimService, ChildResource } from '../../estate/model.js';
import { error, evidence, fail, notApplicable, pass } from '../define-rule.js';
import type { Verdict } from '../types.js';
import { judgeChildren, needsChildren, pathBelowService } from './children.js';
import { equalsIgnoreCase } from './values.js';

/**
 * Reading Microsoft Defender for Cloud assessments (`Microsoft.Security/assessments`) about the API
 * operations of a service. Defender for APIs writes one assessment per operation and recommendation
 * (Azure Policy 8ac833bd and c8acafaf audit them as extension resources of
 * `Microsoft.ApiManagement/service/apis/operations`); the assessment's name is the recommendation's
 * GUID and its id sits under the operation's id
 * (`…/apis/{api}/operations/{op}/providers/Microsoft.Security/assessments/{guid}`). ARM lists them at
 * the subscription scope (`Assessments_List`, api-version 2021-06-01); the inventory keeps those
 * whose id is below the service.
 */

/** What an assessment rule says, in its own words. */
export interface AssessmentSpec {
  /** The assessment (recommendation) GUID, e.g. `91af2040-7874-4659-abf0-578e1f8d07dc`. */
  readonly name: string;
  /** Pass reason for a Healthy assessment, given the subject ("Operation 'get' of API 'orders'"). */
  readonly healthy: (subject: string) => string;
  /** Fail reason for an Unhealthy assessment. */
  readonly unhealthy: (subject: string) => string;
  /** Not-applicable reason when the service has no assessment of this name. */
  readonly missing: string;
}

const ASSESSMENT_SEGMENT = '/providers/microsoft.security/assessments/';

/**
 * Judges every assessment of `spec.name` linked to the service: Healthy passes, Unhealthy fails,
 * NotApplicable is not applicable for that operation (the REST spec: "Assessment for this resource
 * did not happen", so it shows nothing either way), anything else is an error (the status cannot be
 * read). Other assessments are ignored; when none has the name the rule does not apply (Defender for
 * APIs is off, or has not assessed the service yet).
 */
export function judgeAssessments(service: ApimService, spec: AssessmentSpec): Verdict[] {
  const all = service.children.securityAssessments;
  if (all === undefined) return [needsChildren(['securityAssessments'], service)];
  const isWanted = (child: ChildResource): boolean => equalsIgnoreCase(child.name, spec.name);
  if (!all.some(isWanted)) return [notApplicable(() => spec.missing)];
  return judgeChildren(service, 'securityAssessments', (child) => judgeAssessment(child, spec), { none: spec.missing, include: isWanted });
}

function judgeAssessment(child: ChildResource, spec: AssessmentSpec): Verdict {
  const subject = assessedSubject(child);
  const path = `${pathBelowService(child.id) ?? child.id}: properties.status.code`;
  const status = readKey(child.properties, 'status');
  const code = typeof status === 'object' && status !== null ? readKey(status as Record<string, unknown>, 'code') : undefined;
  const cause = typeof status === 'object' && status !== null ? readKey(status as Record<string, unknown>, 'cause') : undefined;
  const note = typeof cause === 'string' && cause.trim() !== '' ? `cause: ${cause.trim()}` : undefined;
  if (equalsIgnoreCase(code, 'Healthy')) return pass(() => spec.healthy(subject), () => [evidence(path, code, 'Healthy', note)]);
  if (equalsIgnoreCase(code, 'NotApplicable')) {
    // Not assessed is not evidence of a healthy endpoint (Azure Policy counts it compliant).
    const why = typeof cause === 'string' && cause.trim() !== '' ? ` (cause: ${cause.trim()})` : '';
    return notApplicable(() => `${subject}: Defender for Cloud did not assess it${why}, so it is not judged (properties.status.code is NotApplicable).`);
  }
  if (equalsIgnoreCase(code, 'Unhealthy')) return fail(() => spec.unhealthy(subject), () => [evidence(path, code, 'Healthy', note)]);
  const shown = typeof code === 'string' ? `'${code}'` : 'absent';
  return error(() => `${subject}: the Defender for Cloud assessment status cannot be read (properties.status.code is ${shown}).`);
}

/**
 * Names what the assessment is about, from `properties.resourceDetails.id` (ARG writes `Id`), else
 * the assessment id without its `/providers/Microsoft.Security/assessments/{name}` tail.
 */
export function assessedSubject(child: ChildResource): string {
  const details = readKey(child.properties, 'resourceDetails');
  const detailsId = typeof details === 'object' && details !== null ? readKey(details as Record<string, unknown>, 'id') : undefined;
  const cut = child.id.toLowerCase().lastIndexOf(ASSESSMENT_SEGMENT);
  const resourceId = typeof detailsId === 'string' && detailsId.trim() !== '' ? detailsId.trim() : cut < 0 ? child.id : child.id.slice(0, cut);
  const below = pathBelowService(resourceId) ?? resourceId;
  const parts = below.split('/');
  // Operations are the assessed resources; an API collection (Defender's onboarding resource) names the API.
  const api = valueAfter(parts, 'apis') ?? valueAfter(parts, 'apicollections');
  const operation = valueAfter(parts, 'operations');
  if (api !== undefined && operation !== undefined) return `Operation '${operation}' of API '${api}'`;
  if (api !== undefined) return `API '${api}'`;
  return `Resource '${below}'`;
}

function valueAfter(parts: readonly string[], segment: string): string | undefined {
  const index = parts.findIndex((part) => part.toLowerCase() === segment);
  const value = index < 0 ? undefined : parts[index + 1];
  return value === undefined || value === '' ? undefined : value;
}

/** Reads a key by exact name, then case-insensitively (ARG writes `resourceDetails.Id`, ARM `id`). */
function readKey(record: Record<string, unknown>, name: string): unknown {
  if (name in record) return record[name];
  const wanted = name.toLowerCase();
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === wanted);
  return key === undefined ? undefined : record[key];
}
