import type { ApimService } from '../../estate/model.js';
import { notApplicable } from '../define-rule.js';
import type { Verdict } from '../types.js';
import { equalsIgnoreCase, readField } from './values.js';

/**
 * Portal sign-in rules do not apply when the developer portal is switched off: nobody can sign in to
 * it. The verdict names the property and its value as read, so a reader can check it. An absent
 * `developerPortalStatus` counts as Enabled (the ARM default), so it returns `undefined`.
 */
export function developerPortalDisabled(service: ApimService, signIn: string): Verdict | undefined {
  const status = readField(service.properties, 'developerPortalStatus');
  if (!equalsIgnoreCase(status, 'Disabled')) return undefined;
  return notApplicable(
    () => `The developer portal of service '${service.name}' is disabled (properties.developerPortalStatus is ${JSON.stringify(status)}), so nobody can sign in to it and ${signIn} does not apply.`,
  );
}
