/**
 * Failed receipts the owner marked as checked on the page: a small JSON file in dataDir (ids only,
 * which are content hashes or journal positions, no personal data), newest last, at most
 * MAX_CHECKED ids. Written atomically; a missing or unreadable file is an empty list.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

export const FAILED_CHECKS_FILE = 'failed-checked.json';
export const MAX_CHECKED = 2000;

export class FailedChecks {
  readonly #ids: string[];

  constructor(private readonly file: string) {
    this.#ids = readIds(file);
  }

  has(id: string): boolean {
    return this.#ids.includes(id);
  }

  set(id: string, checked: boolean): void {
    const at = this.#ids.indexOf(id);
    if (checked === (at >= 0)) return;
    if (checked) this.#ids.push(id);
    else this.#ids.splice(at, 1);
    if (this.#ids.length > MAX_CHECKED) this.#ids.splice(0, this.#ids.length - MAX_CHECKED);
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ checked: this.#ids })}\n`);
    renameSync(tmp, this.file);
  }
}

function readIds(file: string): string[] {
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { checked?: unknown };
    return Array.isArray(doc.checked) ? doc.checked.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
