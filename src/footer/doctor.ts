import { readFileSync } from 'node:fs';
import type { CheckResult, DoctorCheck } from '../daemon/doctor-checks.js';
import { TillboxError } from '../errors.js';
import { parseRules } from './rules.js';

/** `tillbox doctor`: footer mode, the rules file, the QR. */
export const footerCheck: DoctorCheck = async (config) => {
  const f = config.footer;
  const name = 'footer';
  if (!f.enabled && !f.dryRun) return [{ status: 'ok', name, detail: 'off (footer.enabled is false): the printer stream is never changed' }];
  const out: CheckResult[] = [{ status: 'ok', name, detail: f.dryRun ? 'dry run: footers computed and shown, never printed' : `on: a cut waits at most ${f.maxHoldMs} ms for its footer` }];
  if (f.rulesFile !== undefined) {
    try {
      const n = parseRules(readFileSync(f.rulesFile, 'utf8'), f.rulesFile).length;
      out.push({ status: 'ok', name: 'footer rules', detail: `${f.rulesFile}: ${n} rule${n === 1 ? '' : 's'}` });
    } catch (err) {
      const detail = err instanceof TillboxError ? `${err.message} [${err.code}]` : `${f.rulesFile} cannot be read: ${(err as Error).message}`;
      out.push({ status: 'fail', name: 'footer rules', detail: `${detail} (footers would print without store rules)` });
    }
  }
  out.push(f.qr.url !== undefined ? { status: 'ok', name: 'footer qr', detail: `QR to ${f.qr.url}` } : { status: 'warn', name: 'footer qr', detail: 'no footer.qr.url: footers print without the e-receipt QR code' });
  return out;
};
