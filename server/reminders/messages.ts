import type { Level } from '../domain/types.ts';
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

const LEVEL_NAMES: Record<Language, Record<Level, string>> = {
  de: { bronze: 'Bronze', silver: 'Silber', gold: 'Gold' },
  en: { bronze: 'Bronze', silver: 'Silver', gold: 'Gold' },
};

const germanDate = (iso: string) => iso.split('-').reverse().join('.');

/** The e-mail to a cluster's contact for one reminder. */
export function reminderEmail(payload: ReminderPayload, options: { language: Language; programmeName: string; issuer: string }): { subject: string; text: string } {
  const { language, programmeName } = options;
  const level = LEVEL_NAMES[language][payload.label.level];
  const name = payload.cluster.name;
  const page = `${options.issuer}/clusters/${payload.cluster.id}`;
  const event = payload.type.slice('label.'.length) as ReminderEvent;
  if (language === 'de') {
    const end = germanDate(payload.label.validUntil);
    const grace = germanDate(payload.label.renewableUntil);
    const texts: Record<ReminderEvent, [string, string]> = {
      expiring: [`${programmeName} ${level} für ${name} endet am ${end}`, `das ${programmeName} ${level} Ihres Clusters ${name} ist bis ${end} gültig. Eine Re-Zertifizierung ist schon jetzt möglich; sie verlängert das Label ab dem bisherigen Ende.`],
      expired: [`${programmeName} ${level} für ${name} ist abgelaufen`, `das ${programmeName} ${level} Ihres Clusters ${name} ist am ${end} abgelaufen. Bis ${grace} kann es noch erneuert werden; danach wird es formal entzogen.`],
      grace_ended: [`${programmeName} ${level} für ${name} kann nicht mehr erneuert werden`, `das ${programmeName} ${level} Ihres Clusters ${name} ist am ${end} abgelaufen, und die Frist zur Erneuerung endete am ${grace}. Für ein neues Label ist ein neues Benchmarking nötig.`],
    };
    const lines = texts[event];
    return { subject: lines[0], text: `Guten Tag,\n\n${lines[1]}\n\nDer aktuelle Stand ist jederzeit hier einsehbar:\n${page}\n\nMit freundlichen Grüßen\nIhr Label-Büro\n` };
  }
  const end = payload.label.validUntil;
  const grace = payload.label.renewableUntil;
  const texts: Record<ReminderEvent, [string, string]> = {
    expiring: [`${programmeName} ${level} of ${name} ends on ${end}`, `the ${programmeName} ${level} of your cluster ${name} is valid until ${end}. You can apply for re-certification now; it extends the label from its current end.`],
    expired: [`${programmeName} ${level} of ${name} has expired`, `the ${programmeName} ${level} of your cluster ${name} expired on ${end}. It can still be renewed until ${grace}; after that it is formally withdrawn.`],
    grace_ended: [`${programmeName} ${level} of ${name} can no longer be renewed`, `the ${programmeName} ${level} of your cluster ${name} expired on ${end}, and the time to renew it ended on ${grace}. A new label needs a new benchmarking.`],
  };
  const lines = texts[event];
  return { subject: lines[0], text: `Hello,\n\n${lines[1]}\n\nThe current status is always shown here:\n${page}\n\nKind regards\nThe label office\n` };
}
