import { ECEI, effectiveStatus } from './schemes.ts';
import { isLevel, type Label, type Level, type TokenStatus } from './types.ts';

/** What a token says of a cluster whose current label is `label`. */
export function tokenStatus(label: Pick<Label, 'status' | 'validUntil'> | undefined, now: Date): TokenStatus {
  if (!label) return 'none';
  const status = effectiveStatus(label, now);
  if (status === 'valid' || status === 'revoked') return status;
  // `withdrawn` reads `expired`; a `superseded` label is never current.
  return 'expired';
}

/** A label of the ECEI scheme, its level one of the ECEI's; anything else is a broken registry. */
export function eceiLabel(label: Label): Label<Level> {
  if (label.scheme !== ECEI) throw new Error(`Label ${label.id} is of the scheme ${label.scheme}, not the ECEI's.`);
  return { ...label, level: eceiLevel(label.level) };
}

/** A level id the ECEI scheme has, as its type; anything else is a broken registry. */
export function eceiLevel(level: string): Level {
  if (!isLevel(level)) throw new Error(`"${level}" is not a level of the ECEI scheme.`);
  return level;
}
