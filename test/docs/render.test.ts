import { describe, expect, it } from 'vitest';
import { markdownProse } from '../../src/docs/render.js';

describe('markdownProse', () => {
  it('turns policy elements in prose into code spans so renderers do not drop them', () => {
    expect(markdownProse('Every section needs <base /> and <cors allow-credentials="true">.')).toBe(
      'Every section needs `<base />` and `<cors allow-credentials="true">`.',
    );
  });

  it('leaves existing code spans and comparisons alone', () => {
    expect(markdownProse('Use `<base />` when capacity < zones.')).toBe('Use `<base />` when capacity < zones.');
  });
});
