import type { ChildResource } from '../../estate/model.js';
import { equalsIgnoreCase } from './values.js';

/** Microsoft Entra ID provider types; the ARM name of an identity provider is its type. */
export const ENTRA_TYPES = ['aad', 'aadB2C'] as const;

/** A developer portal identity provider that signs people in with Microsoft Entra ID (or Entra External ID / B2C). */
export function isEntra(provider: ChildResource): boolean {
  return ENTRA_TYPES.some((type) => equalsIgnoreCase(provider.name, type) || equalsIgnoreCase(provider.properties['type'], type));
}
