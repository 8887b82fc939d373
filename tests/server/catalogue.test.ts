import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUNDLED, catalogueLanguages, plural, readCatalogue, readLanguage } from '../../locales/catalogue.ts';

/** The 24 official languages of the European Union. */
const EU_LANGUAGES = 'bg cs da de el en es et fi fr ga hr hu it lt lv mt nl pl pt ro sk sl sv'.split(' ');

/**
 * Texts that are rightly the same as the English one in some language, each with the languages
 * that write it so: level names (Bronze, Silver, Gold), words these languages took from English
 * or share with it (Cluster, Label, Status, Register, Organisation, Portfolio, Website, Name,
 * Signature, Pages, open data), and a standard's name. Anything else equal to English is a text
 * left untranslated by accident.
 */
const SAME_AS_ENGLISH: Readonly<Record<string, readonly string[]>> = {
  Bronze: ['da', 'de', 'fr', 'pt'],
  Silver: ['sv'],
  Gold: ['de'],
  Cluster: ['de', 'fr', 'it', 'mt', 'nl', 'pt', 'ro'],
  Label: ['de', 'fr', 'nl'],
  Status: ['da', 'de', 'hr', 'mt', 'nl', 'pl', 'sv'],
  Register: ['da', 'de', 'et', 'nl', 'sk', 'sl', 'sv'],
  Organisation: ['da', 'de', 'fr', 'sv'],
  Portfolio: ['de', 'nl'],
  Website: ['de', 'nl'],
  Websites: ['de', 'nl'],
  Name: ['de'],
  'Name A–Z': ['de'],
  'Name Z–A': ['de'],
  Signature: ['fr'],
  Pages: ['fr'],
  'Open data:': ['nl'],
  'Open Badges 3.0 (W3C Verifiable Credential, JWT)': ['de'],
};

type Tree = { readonly [key: string]: string | Tree };
const PLURAL_FORMS = new Set(['zero', 'one', 'two', 'few', 'many', 'other']);
const isPlural = (tree: Tree) => 'other' in tree && Object.keys(tree).every((key) => PLURAL_FORMS.has(key));
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** Every text of a tree with its path: `widget.mark.valid`. */
function leaves(tree: Tree, path = ''): [string, string][] {
  return Object.entries(tree).flatMap(([key, value]) => (typeof value === 'string' ? [[`${path}${key}`, value] as [string, string]] : leaves(value, `${path}${key}.`)));
}

const languages = catalogueLanguages();
const english = readLanguage('en');

describe('the message catalogue', () => {
  it('has one file for each official EU language, and no other', () => {
    expect(languages).toEqual(EU_LANGUAGES);
  });

  for (const lang of languages.filter((l) => l !== 'en')) {
    describe(lang, () => {
      const own = readLanguage(lang);
      const intl = own.intl as string;

      it('has every key of English and no other (e-mails only in German and English)', () => {
        const shape = (tree: Tree, path = ''): string[] =>
          Object.entries(tree).flatMap(([key, value]) => (typeof value === 'string' || isPlural(value) ? [`${path}${key}`] : shape(value, `${path}${key}.`)));
        const expected = shape(english).filter((key) => (BUNDLED as readonly string[]).includes(lang) || !key.startsWith('mail.'));
        expect(shape(own).sort()).toEqual(expected.sort());
      });

      it('names a locale Intl knows, and a date Intl can write', () => {
        expect(Intl.DateTimeFormat.supportedLocalesOf([intl])).toEqual([intl]);
        expect(intl.split('-')[0]).toBe(lang);
        const date = (own.widget as Tree).date as Intl.DateTimeFormatOptions;
        expect(new Intl.DateTimeFormat(intl, { ...date, timeZone: 'UTC' }).format(new Date('2026-03-31T00:00Z'))).toMatch(/31/);
      });

      it('puts the same values in each text as English does', () => {
        const englishLeaves = new Map(leaves(english));
        for (const [path, text] of leaves(own)) {
          // A plural form is checked against English's `other`.
          const reference = englishLeaves.get(path) ?? englishLeaves.get(path.replace(/\.\w+$/, '.other'));
          expect(placeholders(text), `${lang} ${path}`).toEqual(placeholders(reference!));
        }
      });

      it('has every plural form its language uses', () => {
        const check = (tree: Tree, path: string) => {
          for (const [key, value] of Object.entries(tree)) {
            if (typeof value === 'string') continue;
            if (!isPlural(value)) check(value, `${path}${key}.`);
            else for (const form of new Intl.PluralRules(intl).resolvedOptions().pluralCategories) expect(value[form], `${lang} ${path}${key}.${form}`).toBeTypeOf('string');
          }
        };
        check(own, '');
      });

      it('leaves nothing in English by accident', () => {
        const englishLeaves = new Map(leaves(english));
        const same = leaves(own).filter(([path, text]) => path !== 'intl' && !path.startsWith('widget.date.') && text === englishLeaves.get(path) && !SAME_AS_ENGLISH[text]?.includes(lang));
        expect(same).toEqual([]);
      });

      it('uses its glossary consistently: valid until, revoked, expired, not this site', () => {
        const text = (path: string) => leaves(own).find(([p]) => p === path)![1].toLocaleLowerCase(intl);
        expect(text('widget.validUntil')).toBe(text('pages.validUntil'));
        expect(text('pages.statuses.revoked')).toBe(text('pages.historyStatuses.revoked'));
        expect(text('pages.statuses.expired')).toBe(text('pages.historyStatuses.expired'));
        expect(text('widget.mark.revoked')).toBe(text('pages.statuses.revoked'));
        expect(text('pages.helpTitle')).toContain(text('widget.mark.mismatch'));
      });
    });
  }

  it('fills in English for a text a language lacks, so a page never breaks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalogue-'));
    try {
      copyFileSync(new URL('../../locales/en.json', import.meta.url), join(dir, 'en.json'));
      writeFileSync(join(dir, 'xx.json'), JSON.stringify({ name: 'X', widget: { close: 'Zu' } }));
      const partial = readCatalogue(pathToFileURL(`${dir}/`)).get('xx')!;
      expect(partial.widget.close).toBe('Zu');
      expect(partial.widget.mark.valid).toBe('Valid until {date}');
      expect(partial.pages.found.other).toBe('{n} clusters found');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('chooses the plural form by the language’s rules', () => {
    const forms = readLanguage('pl').pages as Tree;
    const found = forms.found as Tree as Record<string, string>;
    expect([1, 2, 5, 22, 25].map((n) => plural('pl', found, n))).toEqual([
      found.one!.replace('{n}', '1'),
      found.few!.replace('{n}', '2'),
      found.many!.replace('{n}', '5'),
      found.few!.replace('{n}', '22'),
      found.many!.replace('{n}', '25'),
    ]);
  });
});
