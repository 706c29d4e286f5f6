import type { Database } from 'better-sqlite3';
import { classifyItem, type CatalogueEntry } from '../shopper/catalogue/classify.js';

export function upsertCatalogue(db: Database, entries: readonly CatalogueEntry[], now: Date): number {
  const up = db.prepare(`INSERT INTO catalogue (sku, name, category, shelf_life_days, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (sku) DO UPDATE SET name = excluded.name, category = excluded.category,
    shelf_life_days = excluded.shelf_life_days, updated_at = excluded.updated_at`);
  const at = now.toISOString();
  for (const e of entries) up.run(e.sku, e.name, e.category, e.shelfLifeDays, at);
  return entries.length;
}

/** Runs the classifier again over every known product; returns how many changed. */
export function reclassifyProducts(db: Database): number {
  const lookup = db.prepare('SELECT sku, name, category, shelf_life_days AS shelfLifeDays FROM catalogue WHERE sku = ?');
  const update = db.prepare('UPDATE products SET category = ?, shelf_life_days = ?, class_source = ? WHERE pid = ?');
  let changed = 0;
  const rows = db.prepare('SELECT pid, sku, name, category, shelf_life_days AS shelf FROM products').all() as
    { pid: number; sku: string; name: string; category: string; shelf: number | null }[];
  for (const p of rows) {
    const c = classifyItem(p.sku === '' ? null : p.sku, p.name, (k) => lookup.get(k) as CatalogueEntry | undefined);
    if (c.category !== p.category || c.shelfLifeDays !== p.shelf) {
      update.run(c.category, c.shelfLifeDays, c.source, p.pid);
      changed++;
    }
  }
  return changed;
}

/** store_day_cat bakes categories in; rebuild it from store_day_product after a reclassify. */
export function rebuildCategories(db: Database): void {
  db.exec(`DELETE FROM store_day_cat;
    INSERT INTO store_day_cat (day, category, amount, qty)
    SELECT d.day, p.category, sum(d.amount), sum(d.qty) FROM store_day_product d JOIN products p USING (pid)
    GROUP BY d.day, p.category;`);
}

/** An item's category as the ledger files it: the store's catalogue by SKU, then name keywords. */
export function categoryOfItem(db: Database): (item: { sku: string | null; name: string }) => string {
  const lookup = db.prepare('SELECT sku, name, category, shelf_life_days AS shelfLifeDays FROM catalogue WHERE sku = ?');
  return (item) => classifyItem(item.sku, item.name, (k) => lookup.get(k) as CatalogueEntry | undefined).category;
}
