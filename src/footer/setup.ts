import { readFileSync } from 'node:fs';
import type { Config } from '../config/types.js';
import type { FooterReplyMessage } from '../daemon/messages.js';
import type { DecoderOptions } from '../escpos/types.js';
import type { Ledger } from '../ledger/types.js';
import type { Logger } from '../log.js';
import type { ParseOptions } from '../receipt/index.js';
import type { ReceiptItem } from '../receipt/types.js';
import { parseRules, type StoreRule } from './rules.js';
import { FooterService, type FooterSettings } from './service.js';

export function footerSettings(config: Config): FooterSettings {
  const f = config.footer;
  return {
    enabled: f.enabled, dryRun: f.dryRun, minConfidence: f.minConfidence, member: f.member, expiring: f.expiring, buyAgain: f.buyAgain,
    qr: { ...f.qr }, barcode: { ...f.barcode }, storeId: config.store.id, language: config.notifications.language, daysBefore: config.reminders.daysBefore, columns: config.decoder.columns,
  };
}

/** Reads footer.rulesFile; a bad file is logged and footers go on without store rules. */
export function loadRules(config: Config, log: Logger): StoreRule[] {
  const file = config.footer.rulesFile;
  if (file === undefined) return [];
  try {
    return parseRules(readFileSync(file, 'utf8'), file);
  } catch (err) {
    log.error({ err }, 'footer rules not loaded; footers print without store rules');
    return [];
  }
}

/** The analytics child's footer service, or undefined when footers are off. */
export function footerServiceFor(
  config: Config,
  deps: { ledger: Ledger; decoderOptions: DecoderOptions; parseOptions: () => ParseOptions; categoryOf: (i: ReceiptItem) => string; send: (m: FooterReplyMessage) => void; logger: Logger },
): FooterService | undefined {
  if (!config.footer.enabled && !config.footer.dryRun) return undefined;
  return new FooterService({ ...deps, settings: footerSettings(config), rules: loadRules(config, deps.logger) });
}
