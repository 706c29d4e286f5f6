/**
 * A store catalogue CSV → CatalogueEntry rows, with every problem reported at once.
 * Quoted fields may hold commas, "" and newlines (a name typed with Alt-Enter in Excel).
 * Header (any order, case-insensitive): sku, category, and optionally name, shelf_life_days.
 * category is a tillbox category id (bakery, yoghurt, milk ...) or its Chinese or English name.
 */
import { CATEGORIES } from './categories.js';
import type { CatalogueEntry } from './classify.js';
import { parseSpreadsheetCsv } from './spreadsheet.js';

const BY_NAME = new Map<string, string>();
for (const c of CATEGORIES) for (const k of [c.id, c.zh, c.en]) BY_NAME.set(k.toLowerCase(), c.id);

export function parseCatalogueCsv(text: string, file: string): { entries: CatalogueEntry[]; problems: string[] } {
  const sheet = parseSpreadsheetCsv(text);
  if ('error' in sheet) return { entries: [], problems: [`${file}: not a readable CSV file (${sheet.error})`] };
  const [head, ...rows] = sheet.rows;
  const header = (head?.fields ?? []).map((h) => h.trim().toLowerCase());
  const col = (name: string): number => header.indexOf(name);
  const problems: string[] = [];
  for (const required of ['sku', 'category']) if (col(required) === -1) problems.push(`${file}:1: expected a '${required}' column in the header`);
  if (problems.length > 0) return { entries: [], problems };
  const entries: CatalogueEntry[] = [];
  for (const row of rows) {
    const f = row.fields;
    if (f.every((x) => x.trim() === '')) continue;
    const at = `${file}:${row.line}`;
    const sku = (f[col('sku')] ?? '').trim();
    const cat = (f[col('category')] ?? '').trim();
    const name = col('name') === -1 ? '' : (f[col('name')] ?? '').trim();
    const shelfText = col('shelf_life_days') === -1 ? '' : (f[col('shelf_life_days')] ?? '').trim();
    const category = BY_NAME.get(cat.toLowerCase());
    if (sku === '') problems.push(`${at}: sku is empty`);
    if (category === undefined) problems.push(`${at}: category '${cat}': expected one of ${CATEGORIES.map((c) => c.id).join(', ')} (or its Chinese/English name)`);
    const shelf = shelfText === '' ? null : Number(shelfText);
    if (shelf !== null && (!Number.isInteger(shelf) || shelf < 0 || shelf > 3650)) problems.push(`${at}: shelf_life_days '${shelfText}': expected whole days 0..3650 or empty`);
    if (sku !== '' && category !== undefined) entries.push({ sku, name: name === '' ? null : name, category, shelfLifeDays: shelf !== null && Number.isInteger(shelf) ? shelf : null });
  }
  return { entries, problems };
}
