// The environment's enum values in the user's language; a patrol frequency with its count.
import { isMessageKey, type Translate } from "../i18n/i18n";

export function frequencyLabel(t: Translate, frequency: { times: number; unit: string }): string {
  const key = `envUnit.${frequency.unit}`;
  return isMessageKey(key) ? t(key, { times: frequency.times }) : `${frequency.times}/${frequency.unit}`;
}
