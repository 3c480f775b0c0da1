import { describe, expect, it } from 'vitest';
import { closestNames } from '../../src/util/closest-word.js';

describe('closestNames (service-name suggestions)', () => {
  const names = ['apim-payments-weu', 'apim-payments-eus2', 'apim-identity-prod-neu', 'apim-orders'];

  it('matches a typo against the start of a name, since people drop region suffixes', () => {
    expect(closestNames('apim-paymnts', names)).toEqual(['apim-payments-weu', 'apim-payments-eus2']);
    expect(closestNames('apim-idnetity-prod-neu', names)).toEqual(['apim-identity-prod-neu']);
    expect(closestNames('APIM-ORDRES', names)).toEqual(['apim-orders']);
  });

  it('suggests nothing for a name that is not close to any', () => {
    expect(closestNames('zzz', names)).toEqual([]);
    expect(closestNames('billing-gateway', names)).toEqual([]);
    expect(closestNames('apim-payments', [])).toEqual([]);
  });
});
