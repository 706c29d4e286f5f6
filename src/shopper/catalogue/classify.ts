import { CATEGORIES, categoryById, OTHER_CATEGORY } from './categories.js';

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
  for (const { kw, category } of KEYWORDS) {
    if (matches(lower, kw)) return { category, shelfLifeDays: categoryById(category)?.shelfLifeDays ?? null, source: 'keyword' };
  }
  return { category: OTHER_CATEGORY, shelfLifeDays: null, source: 'default' };
}

const ASCII_WORD = /^[a-z]/;

/** Chinese keywords match anywhere; English ones only at the start of a word ("tea" is not in "steak"). */
function matches(name: string, kw: string): boolean {
  if (!ASCII_WORD.test(kw)) return name.includes(kw);
  let at = name.indexOf(kw);
  while (at !== -1) {
    const before = at === 0 ? ' ' : name.charAt(at - 1);
    if (!/[a-z]/.test(before)) return true;
    at = name.indexOf(kw, at + 1);
  }
  return false;
}
