import type { Level } from '../domain/types.ts';
import { catalogueOf, fill } from '../languages.ts';
import type { ReminderEvent } from './plan.ts';

/** What every reminder says, in the webhook body and behind the e-mail text alike. */
export interface ReminderPayload {
  id: string;
  type: `label.${ReminderEvent}`;
  createdAt: string;
  cluster: { id: string; name: string };
  label: { level: Level; validUntil: string; renewableUntil: string };
  windowDays?: number;
}

export type Language = 'de' | 'en';

// German for the German-speaking countries, English for everyone else.
const GERMAN = new Set(['DE', 'AT', 'CH', 'LI']);
export const languageFor = (country: string): Language => (GERMAN.has(country) ? 'de' : 'en');

const dateFormats = { de: new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium', timeZone: 'UTC' }), en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }) };
const formatDate = (iso: string, language: Language) => dateFormats[language].format(new Date(`${iso}T00:00:00Z`));

/**
 * The e-mail to a cluster's contact for one reminder, in the words of the message catalogue
 * (`locales/de.json`, `locales/en.json`: `mail`, with the level names the pages and images use).
 */
export function reminderEmail(payload: ReminderPayload, options: { language: Language; programmeName: string; issuer: string }): { subject: string; text: string } {
  const { language } = options;
  const { mail, levels } = catalogueOf(language);
  if (!mail) throw new Error(`The catalogue has no e-mail texts in ${language}`);
  const event = payload.type.slice('label.'.length) as ReminderEvent;
  const values = {
    programme: options.programmeName,
    level: levels[payload.label.level],
    name: payload.cluster.name,
    end: formatDate(payload.label.validUntil, language),
    grace: formatDate(payload.label.renewableUntil, language),
  };
  const page = `${options.issuer}/clusters/${payload.cluster.id}`;
  return { subject: fill(mail.subject[event], values), text: fill(mail.text, { body: fill(mail.body[event], values), page }) };
}
