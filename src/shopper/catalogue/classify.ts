import { CATEGORIES, categoryById, NON_FOOD_WORDS, OTHER_CATEGORY } from './categories.js';

/** Where an item's category and shelf life came from, most specific first. */
export type ClassSource = 'catalogue' | 'keyword' | 'default';

export interface Classification {
  category: string;
  /** Days from purchase; null: not perishable. */
  shelfLifeDays: number | null;
  source: ClassSource;
}

/** One row of a store catalogue (tillbox catalogue import, or pushed by head office). */
export interface CatalogueEntry {
  sku: string;
  name: string | null;
  category: string;
  /** null: take the category's default. */
  shelfLifeDays: number | null;
}

export type CatalogueLookup = (sku: string) => CatalogueEntry | undefined;

const KEYWORDS: readonly { kw: string; category: string }[] = CATEGORIES
  .flatMap((c) => c.keywords.map((kw) => ({ kw: kw.toLowerCase(), category: c.id })))
  .sort((a, b) => b.kw.length - a.kw.length);

/**
 * Barcode/SKU in the store catalogue, else name keywords (Chinese and English), else 'other'.
 * Pure: the catalogue arrives as a lookup function.
 */
export function classifyItem(sku: string | null, name: string, catalogue: CatalogueLookup): Classification {
  if (sku !== null) {
    const entry = catalogue(sku);
    if (entry !== undefined) {
      const def = categoryById(entry.category);
      return { category: entry.category, shelfLifeDays: entry.shelfLifeDays ?? def?.shelfLifeDays ?? null, source: 'catalogue' };
    }
  }
  const lower = name.toLowerCase();
  if (NON_FOOD.some((w) => matches(lower, w))) return { category: 'household', shelfLifeDays: null, source: 'keyword' };
  for (const { kw, category } of KEYWORDS) {
    if (matches(lower, kw)) return { category, shelfLifeDays: categoryById(category)?.shelfLifeDays ?? null, source: 'keyword' };
  }
  return { category: OTHER_CATEGORY, shelfLifeDays: null, source: 'default' };
}

const NON_FOOD = NON_FOOD_WORDS.map((w) => w.toLowerCase());
const ASCII_WORD = /^[a-z]/;
/** What may follow an English keyword inside its word: plurals, -y, -ies, -ed ("strawberr" → strawberry). */
const ENDINGS = new Set(['', 's', 'es', 'y', 'ies', 'd', 'ed']);

/**
 * Chinese keywords match anywhere; English ones as a word: at a word start ("tea" is not in
 * "steak") and ending there but for an ending above ("butter" is not in "butterfly", "bun" not in
 * "bunnies"); a keyword ending in y also takes -ies ("battery" → "batteries").
 */
function matches(name: string, kw: string): boolean {
  if (!ASCII_WORD.test(kw)) return name.includes(kw);
  return wordMatch(name, kw, ENDINGS) || (kw.endsWith('y') && wordMatch(name, kw.slice(0, -1), IES));
}

const IES = new Set(['ies']);

function wordMatch(name: string, kw: string, endings: ReadonlySet<string>): boolean {
  let at = name.indexOf(kw);
  while (at !== -1) {
    const before = at === 0 ? ' ' : name.charAt(at - 1);
    const rest = /^[a-z]*/.exec(name.slice(at + kw.length))?.[0] ?? '';
    if (!/[a-z]/.test(before) && endings.has(rest)) return true;
    at = name.indexOf(kw, at + 1);
  }
  return false;
}
