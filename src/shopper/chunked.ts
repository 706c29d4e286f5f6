import type { Database } from 'better-sqlite3';

/** Members per chunk in the member jobs (monthly summary, buy again). */
export const MEMBERS_PER_CHUNK = 200;

/**
 * Runs `fn` over `items` a chunk at a time, each chunk in its own transaction, and lets the event
 * loop run between chunks. The daily and monthly member jobs run in the analytics process beside
 * the status page and the pipeline: 20,000 consenting members took 3.4 s in one synchronous
 * pass, time in which neither answered; in chunks of 200 the longest stall was 134 ms. Every job
 * using this is idempotent by message id, so a run cut short between chunks is completed by the
 * next.
 */
export async function inChunks<T>(db: Database, items: readonly T[], size: number, fn: (item: T) => void): Promise<void> {
  for (let i = 0; i < items.length; i += size) {
    db.transaction(() => {
      for (const item of items.slice(i, i + size)) fn(item);
    })();
    if (i + size < items.length) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

export interface PagedMember {
  mid: number;
  member: string;
}

/**
 * The member jobs' members, a page at a time by member key (keyset): those with consent granted
 * on any channel and kind and a member_day between `fromDay` and `toDay` (inclusive). Each page is
 * one walk of `members` by key with two primary-key seeks per member; reading them all at once
 * was a 100,000-row read (and array) on the analytics event loop (bench/notify.ts).
 */
export function* consentingMemberPages(db: Database, fromDay: string, toDay: string, size: number): Generator<PagedMember[]> {
  const page = db.prepare(`SELECT m.mid, m.member FROM members m
    WHERE m.mid > ? AND EXISTS (SELECT 1 FROM consent c WHERE c.mid = m.mid AND c.granted = 1)
      AND EXISTS (SELECT 1 FROM member_day d WHERE d.mid = m.mid AND d.day BETWEEN ? AND ?)
    ORDER BY m.mid LIMIT ?`);
  for (let after = -Infinity; ;) {
    const members = page.all(after, fromDay, toDay, size) as PagedMember[];
    if (members.length === 0) return;
    yield members;
    if (members.length < size) return;
    after = (members[members.length - 1] as PagedMember).mid;
  }
}

/** `fn` over each page's members, a transaction per page and a turn of the event loop between pages. Returns how many members. */
export async function inMemberPages(db: Database, pages: Iterable<PagedMember[]>, fn: (m: PagedMember) => void): Promise<number> {
  const run = db.transaction((members: PagedMember[]) => {
    for (const m of members) fn(m);
  });
  let n = 0;
  for (const members of pages) {
    run(members);
    n += members.length;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return n;
}
