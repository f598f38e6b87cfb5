import { describe, expect, it } from 'vitest';
import { feedbackChoice, feedbackMenu, feedbackProblemFromApiError, newAnswerKey } from '../../src/shared/discord/genreFeedback';
import { GENRES } from '../../src/shared/labels';

// Discord's limits on a string select: custom_id, labels, values and descriptions at most 100 characters, 25 options.
describe('the "Correct genre…" menu', () => {
  it.each(GENRES)('lists the six genres other than an answered %s, within Discord limits', (predicted) => {
    const row = feedbackMenu(newAnswerKey(), predicted);
    expect(row.type).toBe(1);
    const [menu] = row.components;
    expect(menu.options.map((o) => o.value)).toEqual(GENRES.filter((g) => g !== predicted));
    expect(menu.custom_id.length).toBeLessThanOrEqual(100);
    for (const o of menu.options) for (const text of [o.label, o.value, o.description ?? '']) expect(text.length).toBeLessThanOrEqual(100);
    // Others is the one genre whose name does not say what it holds.
    expect(menu.options.filter((o) => o.description).map((o) => o.value)).toEqual(predicted === 'Others' ? [] : ['Others']);
  });

  it('reads back the key and the one genre chosen, and nothing else', () => {
    const { custom_id } = feedbackMenu('k1', 'Drama').components[0];
    expect(feedbackChoice({ custom_id, component_type: 3, values: ['Comedy'] })).toEqual({ key: 'k1', genre: 'Comedy' });
    for (const data of [
      { custom_id, component_type: 2 }, // a button
      { custom_id, component_type: 3, values: ['Western'] },
      { custom_id, component_type: 3, values: ['Comedy', 'Drama'] },
      { custom_id, component_type: 3, values: [] },
      { custom_id: 'genre-feedback:', component_type: 3, values: ['Comedy'] },
      { custom_id: 'other-menu:k1', component_type: 3, values: ['Comedy'] },
    ]) {
      expect(feedbackChoice(data)).toBeUndefined();
    }
  });

  it('says the poster is gone when its download fails, and passes other refusals on', () => {
    expect(feedbackProblemFromApiError({ status: 422, code: 'poster_url_failed', message: 'posterUrl answered HTTP 404' })).toEqual({ kind: 'poster_gone' });
    expect(feedbackProblemFromApiError({ status: 503, code: 'overloaded', message: 'busy' })).toEqual({ kind: 'unavailable' });
    expect(feedbackProblemFromApiError({ status: 400, code: 'invalid_plot', message: 'plot has no words' })).toEqual({ kind: 'rejected', detail: 'plot has no words' });
  });
});
