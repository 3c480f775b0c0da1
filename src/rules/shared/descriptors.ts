import type { ChildResource } from '../../estate/model.js';
import { evidence, fail, pass } from '../define-rule.js';
import type { Verdict } from '../types.js';
import { isBlank } from './values.js';

/** The two fields that describe a product or an API to developers. */
const DESCRIPTOR_FIELDS = ['displayName', 'description'] as const;

/**
 * Judges whether a product or an API has a display name and a description (APIM-034, APIM-035).
 * `subject` names it at the start of a sentence ("Product 'starter'"); `pathPrefix` is where it sits
 * under the service (`products/starter`).
 */
export function judgeDescriptors(child: ChildResource, subject: string, pathPrefix: string): Verdict {
  const checked = DESCRIPTOR_FIELDS.map((field) => {
    const value = child.properties[field];
    const blank = isBlank(value);
    const note = !blank ? undefined : value === undefined || value === null ? 'absent' : 'empty';
    return { field, blank, evidence: evidence(`${pathPrefix}: properties.${field}`, value, `a non-empty ${field}`, note) };
  });
  const missing = checked.filter((item) => item.blank);
  if (missing.length === 0) {
    return pass(() => `${subject} has a display name and a description.`, () => checked.map((item) => item.evidence));
  }
  return fail(
    () => `${subject} has no ${missing.map((item) => item.field).join(' and no ')}.`,
    () => missing.map((item) => item.evidence),
  );
}
