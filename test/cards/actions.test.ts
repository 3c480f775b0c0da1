import { describe, expect, it } from 'vitest';
import { parseCardAction, TEMPLATE_NAMES } from '../../src/cards/render.js';
import { readTemplate } from '../../src/cards/templates.js';
import { walk } from './support.js';

describe('parseCardAction (untrusted invoke data)', () => {
  it('accepts exactly the shapes the cards send', () => {
    expect(parseCardAction('fix', { ref: 'abc' })).toEqual({ verb: 'fix', data: { ref: 'abc' } });
    expect(parseCardAction('explain', { ruleId: 'APIM-001' })).toEqual({ verb: 'explain', data: { ruleId: 'APIM-001' } });
    expect(parseCardAction('filter', { ref: 'r', minSeverity: 'high' })).toEqual({ verb: 'filter', data: { ref: 'r', minSeverity: 'high' } });
    expect(parseCardAction('showFindings', { ref: 'r', page: 2 })).toEqual({ verb: 'showFindings', data: { ref: 'r', page: 2 } });
    expect(parseCardAction('showFindings', { ref: 'r', page: 3, minSeverity: 'critical' })).toEqual({
      verb: 'showFindings',
      data: { ref: 'r', page: 3, minSeverity: 'critical' },
    });
  });

  it('rejects anything else', () => {
    for (const [verb, data] of [
      ['fix', { ref: '' }],
      ['fix', { ref: 'x'.repeat(257) }],
      ['fix', { ref: 'r', resourceId: '/subscriptions/…' }],
      ['fix', 'r'],
      ['fix', null],
      ['explain', { ruleId: 'APIM-1; drop' }],
      ['explain', { ruleId: 1 }],
      ['filter', { ref: 'r', minSeverity: 'urgent' }],
      ['filter', { ref: 'r' }],
      ['showFindings', { ref: 'r', page: 0 }],
      ['showFindings', { ref: 'r', page: 1.5 }],
      ['showFindings', { ref: 'r', page: '2' }],
      ['showFindings', { ref: 'r', page: 2, minSeverity: 'none' }],
      ['approve', { ref: 'r' }],
      [undefined, { ref: 'r' }],
    ] as const) {
      expect(parseCardAction(verb, data)).toBeUndefined();
    }
  });
});

describe('templates in cards/', () => {
  it('are Adaptive Card 1.5 templates whose actions are Action.Execute with a verb, or toggles that show a part of the card', () => {
    const actionsPerTemplate = new Map<string, number>();
    for (const name of TEMPLATE_NAMES) {
      const template = readTemplate(name) as Record<string, unknown>;
      expect(template['type']).toBe('AdaptiveCard');
      expect(template['version']).toBe('1.5');
      let actions = 0;
      walk(template, (node) => {
        // A toggle never reaches the bot: it shows or hides elements of the card it is on.
        if (node['type'] === 'Action.ToggleVisibility') {
          expect(node['targetElements']).toEqual([expect.any(String)]);
          return;
        }
        if (typeof node['type'] === 'string' && node['type'].startsWith('Action.')) {
          actions += 1;
          expect(node['type']).toBe('Action.Execute');
          expect(node['verb']).toMatch(/^(showFindings|filter|fix|explain|deepAudit|command|acceptRisk)$/);
        }
      });
      actionsPerTemplate.set(name, actions);
    }
    // The walk must have found the buttons it checks: the summary and findings cards carry them.
    expect(actionsPerTemplate.get('summary')).toBeGreaterThan(0);
    expect(actionsPerTemplate.get('service-findings')).toBeGreaterThan(0);
  });
});
