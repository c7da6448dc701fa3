import { afterEach, describe, expect, it } from 'vitest';
import { pickWidgetLanguage, WIDGET_LANGUAGES, widgetLanguage, widgetStrings } from './i18n';

describe('widget strings', () => {
  afterEach(() => window.history.replaceState(null, '', '/'));

  it('speaks the first language it knows among the page parameter and the browser’s preferences, else English', () => {
    expect(pickWidgetLanguage(['fr-CA', 'en'])).toBe('fr');
    expect(pickWidgetLanguage([null, 'ja', 'de_AT'])).toBe('de');
    expect(pickWidgetLanguage(['ES'])).toBe('es');
    expect(pickWidgetLanguage(['ja', 'zh'])).toBe('en');
    window.history.replaceState(null, '', '/chat?widgetKey=wk_1&lang=es');
    expect(widgetLanguage()).toBe('es');
    expect(widgetStrings().send).toBe('Enviar');
  });

  it('has every string in every language, and the translations are not English left in place', () => {
    const keys = Object.keys(widgetStrings('en')).sort();
    for (const language of WIDGET_LANGUAGES) {
      const strings = widgetStrings(language);
      expect(Object.keys(strings).sort()).toEqual(keys);
      for (const value of Object.values(strings)) {
        const text = typeof value === 'function' ? value('Ana') : value;
        expect(text.trim()).not.toBe('');
      }
    }
    for (const language of ['fr', 'de', 'es'] as const) {
      expect(widgetStrings(language).talkToPerson).not.toBe(widgetStrings('en').talkToPerson);
      expect(widgetStrings(language).greeting('Acme')).toContain('Acme');
    }
  });
});
