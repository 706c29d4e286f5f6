/**
 * Where the owner's password hash comes from: `web.adminPasswordHash` (or its environment
 * variable) when configured, else `dataDir/admin.hash` written by the page's first-run setup.
 * With neither, the box is in setup mode: the first visitor on the LAN sets the password.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { TillboxError } from '../../errors.js';
import { isPasswordHash } from './password.js';

export class OwnerPassword {
  #hash: string | undefined;

  /**
   * @param configured hash from config, wins over the file and cannot be changed from the page
   * @param file first-run hash file (e.g. dataDir/admin.hash); undefined disables first-run setup
   */
  constructor(
    configured: string | undefined,
    private readonly file: string | undefined,
  ) {
    this.#hash = configured ?? readHashFile(file);
  }

  get hash(): string | undefined {
    return this.#hash;
  }

  get needsSetup(): boolean {
    return this.#hash === undefined && this.file !== undefined;
  }

  /** Stores the first-run hash (mode 0600, written atomically). Only allowed while in setup mode. */
  setFirstRun(hash: string): boolean {
    if (!this.needsSetup || this.file === undefined) return false;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(tmp, `${hash}\n`, { mode: 0o600 });
    renameSync(tmp, this.file);
    this.#hash = hash;
    return true;
  }
}

function readHashFile(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  // A damaged file must not silently reopen first-run setup to anyone on the LAN.
  if (!isPasswordHash(text)) throw new TillboxError('TBX_CONFIG_INVALID', `${file}: not a tillbox password hash (scrypt$N$r$p$salt$key); delete it to set a new password`);
  return text;
}
