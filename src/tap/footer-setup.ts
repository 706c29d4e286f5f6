import type { Config } from '../config/types.js';
import type { FooterToChild } from '../daemon/messages.js';
import type { Logger } from '../log.js';
import { FooterLink } from './footer-link.js';
import { NO_CUTTER_QUIET_MS } from './footer-types.js';

/** The tap's footer link for this config, or undefined when footers are off (the stream is untouched). */
export function footerLinkFor(
  config: Pick<Config, 'footer'>,
  send: (msg: FooterToChild) => boolean,
  logger: Logger,
): FooterLink | undefined {
  const f = config.footer;
  if (!f.enabled && !f.dryRun) return undefined;
  const noCutter = f.noCutter ? { noCutter: { feeds: f.noCutterFeeds, quietMs: Math.min(NO_CUTTER_QUIET_MS, Math.floor(f.maxHoldMs / 2)) } } : {};
  return new FooterLink({ mode: f.dryRun ? 'dry-run' : 'on', maxHoldMs: f.maxHoldMs, send, logger, ...noCutter });
}
