import { createHttpHeaders } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import { parseTimeSpanInMs, readRetryAfterInMs, readUserQuota } from '../../src/azure/headers.js';

describe('parseTimeSpanInMs', () => {
  it.each([
    ['00:00:05', 5_000],
    ['00:01:00', 60_000],
    ['01:00:00', 3_600_000],
    ['1.00:00:01', 86_401_000],
    ['00:00:04.5', 4_500],
    [' 00:00:02 ', 2_000],
  ])('reads %s as %i ms', (value, ms) => {
    expect(parseTimeSpanInMs(value)).toBe(ms);
  });

  it.each(['', '5', '00:05', 'soon', '-00:00:05', '00:00:5s'])('rejects %j', (value) => {
    expect(parseTimeSpanInMs(value)).toBeUndefined();
  });
});

describe('readUserQuota', () => {
  it('reads both ARG quota headers', () => {
    const headers = createHttpHeaders({ 'x-ms-user-quota-remaining': '7', 'x-ms-user-quota-resets-after': '00:00:03' });
    expect(readUserQuota(headers)).toEqual({ remaining: 7, resetsAfterInMs: 3_000 });
  });

  it.each([
    [{ 'x-ms-user-quota-remaining': '7' }],
    [{ 'x-ms-user-quota-resets-after': '00:00:03' }],
    [{ 'x-ms-user-quota-remaining': 'many', 'x-ms-user-quota-resets-after': '00:00:03' }],
    [{ 'x-ms-user-quota-remaining': '-1', 'x-ms-user-quota-resets-after': '00:00:03' }],
  ])('ignores incomplete or malformed headers %j', (raw) => {
    expect(readUserQuota(createHttpHeaders(raw))).toBeUndefined();
  });
});

describe('readRetryAfterInMs', () => {
  const NOW = Date.parse('2026-06-01T00:00:00Z');

  it.each([
    [{ 'retry-after-ms': '250' }, 250],
    [{ 'x-ms-retry-after-ms': '300' }, 300],
    [{ 'retry-after': '2' }, 2_000],
    [{ 'retry-after': 'Mon, 01 Jun 2026 00:00:10 GMT' }, 10_000],
    [{ 'retry-after': 'Sun, 31 May 2026 23:00:00 GMT' }, 0],
    [{ 'retry-after-ms': '100', 'retry-after': '9' }, 100],
  ])('reads %j as %i ms', (raw, ms) => {
    expect(readRetryAfterInMs(createHttpHeaders(raw), NOW)).toBe(ms);
  });

  it('is undefined without a usable header', () => {
    expect(readRetryAfterInMs(createHttpHeaders({ 'retry-after': 'later' }), NOW)).toBeUndefined();
    expect(readRetryAfterInMs(createHttpHeaders({}), NOW)).toBeUndefined();
  });
});
