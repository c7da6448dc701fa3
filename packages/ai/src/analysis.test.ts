import { analyzeMessage, detectLanguage, detectWantsHuman, lexiconSentiment } from './analysis.js';
import { createProvider } from './provider.js';

describe('local message analysis', () => {
  const provider = createProvider({ provider: 'local' });

  it('flags explicit requests for a human', async () => {
    expect((await provider.analyze('I want to talk to a person')).wantsHuman).toBe(true);
    for (const text of [
      'Can I speak to someone please?',
      'Connect me with a real human',
      'I need a representative',
      'agent',
      'Quiero hablar con una persona',
      'Je voudrais parler à un conseiller',
      'Ich möchte mit einem Mitarbeiter sprechen',
    ]) {
      expect([text, detectWantsHuman(text)]).toEqual([text, true]);
    }
    for (const text of ['I am a person who likes pizza', 'My agent code is 42', 'How do I reset my password?']) {
      expect([text, detectWantsHuman(text)]).toEqual([text, false]);
    }
  });

  it('scores sentiment with the right sign', () => {
    const angry = lexiconSentiment('This is terrible, I am angry and disappointed.');
    expect(angry.score).toBeLessThan(-0.5);
    expect(angry.label).toBe('NEGATIVE');
    const happy = lexiconSentiment('Thanks, that was great and really helpful!');
    expect(happy.score).toBeGreaterThan(0.5);
    expect(happy.label).toBe('POSITIVE');
    expect(lexiconSentiment('I would like to change my address.').label).toBe('NEUTRAL');
    expect(lexiconSentiment('This is not good').score).toBeLessThan(0);
    expect(lexiconSentiment('El servicio es horrible y estoy muy enfadado', 'es').label).toBe('NEGATIVE');
    expect(lexiconSentiment('Merci, c’est parfait !', 'fr').label).toBe('POSITIVE');
    expect(lexiconSentiment('Das ist nicht gut', 'de').score).toBeLessThan(0);
  });

  it('detects en/es/fr/de and is undetermined on very short text', () => {
    expect(detectLanguage('I want to talk to a person about my order')).toBe('en');
    expect(detectLanguage('Hola, necesito ayuda con mi cuenta, por favor')).toBe('es');
    expect(detectLanguage('Bonjour, je ne peux pas me connecter à mon compte')).toBe('fr');
    expect(detectLanguage('Hallo, ich kann mich nicht bei meinem Konto anmelden')).toBe('de');
    expect(detectLanguage('ok')).toBe('und');
  });

  it('classifies common customer-service intents', () => {
    expect(analyzeMessage('I was charged twice this month').intent).toBe('billing');
    expect(analyzeMessage('I forgot my password').intent).toBe('password_reset');
    expect(analyzeMessage('Where is my package? It has not arrived yet.').intent).toBe('shipping');
    expect(analyzeMessage('Hello').intent).toBe('greeting');
    expect(analyzeMessage('Please let me speak to a human').intent).toBe('human_request');
    expect(analyzeMessage('zzz qqq').intent).toBe('other');
  });

  it('returns the full analysis shape', async () => {
    expect(await provider.analyze('This is terrible service and I want to talk to a person now!')).toEqual({
      intent: 'human_request',
      sentiment: expect.any(Number),
      sentimentLabel: 'NEGATIVE',
      language: 'en',
      wantsHuman: true,
    });
  });
});
