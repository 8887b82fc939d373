/**
 * A text of the catalogue with its values in place of `{name}`; a name without a value stays
 * as it is. Values are not read again, so a cluster's name can hold braces.
 *
 * @example fill('Valid until {date}', { date: '31 Mar 2026' }) // 'Valid until 31 Mar 2026'
 */
export const fill = (template: string, values: Readonly<Record<string, string | number>>): string =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) => String(values[name] ?? whole));
