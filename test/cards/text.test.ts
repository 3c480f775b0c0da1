import { describe, expect, it } from 'vitest';
import { leadingSentences } from '../../src/cards/text.js';

describe('leadingSentences', () => {
  const advice = 'Set all six flags to "False". Send the whole map in the PATCH: ARM resets omitted keys. Restart nothing.';

  it('keeps the whole text when it fits', () => {
    expect(leadingSentences(advice, 500)).toBe(advice);
  });

  it('keeps only whole sentences that fit, never half a clause', () => {
    expect(leadingSentences(advice, 90)).toBe('Set all six flags to "False". Send the whole map in the PATCH: ARM resets omitted keys.');
    expect(leadingSentences(advice, 60)).toBe('Set all six flags to "False".');
  });

  it('does not end a sentence at a dot inside a word or version number', () => {
    expect(leadingSentences('Use TLS 1.2 or later on every gateway and backend. Then test.', 55)).toBe('Use TLS 1.2 or later on every gateway and backend.');
  });

  it('clips a first sentence longer than the limit, with an ellipsis', () => {
    expect(leadingSentences('A very long first sentence without any stop in reach', 20)).toBe('A very long first s…');
  });

  it('collapses whitespace as card lines do', () => {
    expect(leadingSentences('One.\n\n  Two.', 100)).toBe('One. Two.');
  });
});
