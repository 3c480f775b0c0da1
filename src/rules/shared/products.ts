import type { ApimService, ChildResource } from '../../estate/model.js';
import type { Verdict } from '../types.js';
import { judgeChildren } from './children.js';

/**
 * The product rules (APIM-030 to APIM-034) judge each product of the service on its own, as PSRule
 * does: one verdict per product, and a pass when the service has none.
 */
export function judgeProducts(service: ApimService, judge: (product: ChildResource) => Verdict): Verdict[] {
  return judgeChildren(service, 'products', judge, { none: 'The service has no products.' });
}

/** `products/starter: properties.terms`: the evidence path of a field of a product. */
export function productPath(product: ChildResource, field: string): string {
  return `products/${product.name}: ${field}`;
}
