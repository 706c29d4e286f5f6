/**
 * PostgreSQL for the head-office tests: the server this machine kind runs (127.0.0.1:5432, trust
 * auth; TBX_TEST_PG overrides), and a database of each test's own, created and dropped by it.
 */
import pg from 'pg';

export const ADMIN_URL = process.env['TBX_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether the server answers; under TBX_TEST_REQUIRE_REAL=1 (CI) its absence is an error, not a skip. */
export async function pgAvailable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    if (process.env['TBX_TEST_REQUIRE_REAL'] === '1') throw new Error(`PostgreSQL not reachable at ${ADMIN_URL}`);
    console.warn(`skipping: PostgreSQL not reachable at ${ADMIN_URL}`);
    return false;
  }
}

export interface ScratchDatabase {
  name: string;
  /** Connection string of the scratch database. */
  url: string;
  create(): Promise<void>;
  /** Drops it (connections still open are ended by the server). */
  drop(): Promise<void>;
}

/** A uniquely named database (`prefix_pid_time_random`); nothing exists until create(). */
export function scratchDatabase(prefix: string): ScratchDatabase {
  const name = `${prefix}_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  return {
    name,
    url: url.href,
    async create() {
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
    },
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
