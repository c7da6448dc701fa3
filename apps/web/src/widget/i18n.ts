// The customer widget's own words in the customer's language: English,
// French, German and Spanish. The language comes from `?lang=` on the chat
// page (embed.js passes the host page's), else from the browser; anything
// else falls back to English. Messages themselves are never translated here:
// the assistant answers in the customer's language server-side.
export const WIDGET_LANGUAGES = ['en', 'fr', 'de', 'es'] as const;
export type WidgetLanguage = (typeof WIDGET_LANGUAGES)[number];

export interface WidgetStrings {
  title: string;
  supportChat: string;
  usuallyRightAway: string;
  greeting: (workspace: string | null) => string;
  yourName: string;
  email: string;
  emailHint: string;
  howCanWeHelp: string;
  startChat: string;
  couldNotStart: string;
  subtitleResolved: string;
  subtitleAgent: (name: string) => string;
  subtitleHuman: string;
  subtitleAi: string;
  handoffNotice: string;
  typing: (name: string | null) => string;
  yourMessage: string;
  writeMessage: string;
  send: string;
  talkToPerson: string;
  endChat: string;
  newConversation: string;
  you: string;
  aiAssistant: string;
  agent: string;
  sending: string;
  waitingForConnection: string;
  retry: string;
  discard: string;
  closeChat: string;
}

const en: WidgetStrings = {
  title: 'Chat with us',
  supportChat: 'Support chat',
  usuallyRightAway: 'We usually answer right away',
  greeting: (w) => `Hi! Ask ${w ?? 'us'} anything. Our AI assistant answers right away and a person takes over when needed.`,
  yourName: 'Your name',
  email: 'Email',
  emailHint: 'Optional, so we can follow up',
  howCanWeHelp: 'How can we help?',
  startChat: 'Start chat',
  couldNotStart: 'Could not start the chat',
  subtitleResolved: 'This conversation is resolved',
  subtitleAgent: (name) => `You are chatting with ${name}`,
  subtitleHuman: 'A person from our team will answer',
  subtitleAi: 'AI assistant, with people on standby',
  handoffNotice: 'An agent will be with you shortly. You can keep writing here.',
  typing: (name) => `${name ?? 'An agent'} is typing…`,
  yourMessage: 'Your message',
  writeMessage: 'Write a message…',
  send: 'Send',
  talkToPerson: 'Talk to a person',
  endChat: 'End chat',
  newConversation: 'New conversation',
  you: 'You',
  aiAssistant: 'AI assistant',
  agent: 'Agent',
  sending: 'Sending…',
  waitingForConnection: 'Waiting for the connection…',
  retry: 'Retry',
  discard: 'Discard',
  closeChat: 'Close chat',
};

const fr: WidgetStrings = {
  title: 'Discutez avec nous',
  supportChat: 'Chat d’assistance',
  usuallyRightAway: 'Nous répondons en général tout de suite',
  greeting: (w) => `Bonjour ! Posez vos questions à ${w ?? 'notre équipe'}. Notre assistant IA répond tout de suite et une personne prend le relais si besoin.`,
  yourName: 'Votre nom',
  email: 'E-mail',
  emailHint: 'Facultatif, pour que nous puissions vous recontacter',
  howCanWeHelp: 'Comment pouvons-nous vous aider ?',
  startChat: 'Démarrer la discussion',
  couldNotStart: 'Impossible de démarrer la discussion',
  subtitleResolved: 'Cette conversation est résolue',
  subtitleAgent: (name) => `Vous discutez avec ${name}`,
  subtitleHuman: 'Une personne de notre équipe va vous répondre',
  subtitleAi: 'Assistant IA, avec une équipe en renfort',
  handoffNotice: 'Un conseiller va vous répondre sous peu. Vous pouvez continuer à écrire ici.',
  typing: (name) => `${name ?? 'Un conseiller'} écrit…`,
  yourMessage: 'Votre message',
  writeMessage: 'Écrivez un message…',
  send: 'Envoyer',
  talkToPerson: 'Parler à une personne',
  endChat: 'Terminer la discussion',
  newConversation: 'Nouvelle conversation',
  you: 'Vous',
  aiAssistant: 'Assistant IA',
  agent: 'Conseiller',
  sending: 'Envoi…',
  waitingForConnection: 'En attente de la connexion…',
  retry: 'Réessayer',
  discard: 'Supprimer',
  closeChat: 'Fermer la discussion',
};

const de: WidgetStrings = {
  title: 'Chatten Sie mit uns',
  supportChat: 'Support-Chat',
  usuallyRightAway: 'Wir antworten meist sofort',
  greeting: (w) => `Hallo! Fragen Sie ${w ?? 'uns'}, was Sie möchten. Unser KI-Assistent antwortet sofort, und bei Bedarf übernimmt ein Mensch.`,
  yourName: 'Ihr Name',
  email: 'E-Mail',
  emailHint: 'Optional, damit wir uns melden können',
  howCanWeHelp: 'Wie können wir helfen?',
  startChat: 'Chat starten',
  couldNotStart: 'Der Chat konnte nicht gestartet werden',
  subtitleResolved: 'Diese Unterhaltung ist erledigt',
  subtitleAgent: (name) => `Sie chatten mit ${name}`,
  subtitleHuman: 'Eine Person aus unserem Team antwortet Ihnen',
  subtitleAi: 'KI-Assistent, mit Menschen in Bereitschaft',
  handoffNotice: 'Gleich ist jemand aus unserem Team für Sie da. Sie können hier weiterschreiben.',
  typing: (name) => `${name ?? 'Ein Mitarbeiter'} schreibt…`,
  yourMessage: 'Ihre Nachricht',
  writeMessage: 'Nachricht schreiben…',
  send: 'Senden',
  talkToPerson: 'Mit einer Person sprechen',
  endChat: 'Chat beenden',
  newConversation: 'Neue Unterhaltung',
  you: 'Sie',
  aiAssistant: 'KI-Assistent',
  agent: 'Mitarbeiter',
  sending: 'Wird gesendet…',
  waitingForConnection: 'Warte auf die Verbindung…',
  retry: 'Erneut versuchen',
  discard: 'Verwerfen',
  closeChat: 'Chat schließen',
};

const es: WidgetStrings = {
  title: 'Chatea con nosotros',
  supportChat: 'Chat de soporte',
  usuallyRightAway: 'Solemos responder enseguida',
  greeting: (w) =>
    `¡Hola! Pregunta a ${w ?? 'nuestro equipo'} lo que quieras. Nuestro asistente de IA responde enseguida y una persona toma el relevo si hace falta.`,
  yourName: 'Tu nombre',
  email: 'Correo electrónico',
  emailHint: 'Opcional, para poder responderte más tarde',
  howCanWeHelp: '¿En qué podemos ayudarte?',
  startChat: 'Iniciar chat',
  couldNotStart: 'No se pudo iniciar el chat',
  subtitleResolved: 'Esta conversación está resuelta',
  subtitleAgent: (name) => `Estás hablando con ${name}`,
  subtitleHuman: 'Una persona de nuestro equipo te responderá',
  subtitleAi: 'Asistente de IA, con personas de guardia',
  handoffNotice: 'Un agente te atenderá en breve. Puedes seguir escribiendo aquí.',
  typing: (name) => `${name ?? 'Un agente'} está escribiendo…`,
  yourMessage: 'Tu mensaje',
  writeMessage: 'Escribe un mensaje…',
  send: 'Enviar',
  talkToPerson: 'Hablar con una persona',
  endChat: 'Terminar chat',
  newConversation: 'Nueva conversación',
  you: 'Tú',
  aiAssistant: 'Asistente de IA',
  agent: 'Agente',
  sending: 'Enviando…',
  waitingForConnection: 'Esperando la conexión…',
  retry: 'Reintentar',
  discard: 'Descartar',
  closeChat: 'Cerrar chat',
};

const STRINGS: Record<WidgetLanguage, WidgetStrings> = { en, fr, de, es };

/** The first of the candidates (BCP 47 tags, best first) the widget speaks; English otherwise. */
export function pickWidgetLanguage(candidates: readonly (string | null | undefined)[]): WidgetLanguage {
  for (const tag of candidates) {
    const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
    if (primary && (WIDGET_LANGUAGES as readonly string[]).includes(primary)) return primary as WidgetLanguage;
  }
  return 'en';
}

/** The widget's language on this page: `?lang=`, then the browser's preferences. */
export function widgetLanguage(): WidgetLanguage {
  if (typeof window === 'undefined') return 'en';
  const param = new URLSearchParams(window.location.search).get('lang');
  return pickWidgetLanguage([param, ...(navigator.languages ?? []), navigator.language]);
}

export function widgetStrings(language: WidgetLanguage = widgetLanguage()): WidgetStrings {
  return STRINGS[language];
}
