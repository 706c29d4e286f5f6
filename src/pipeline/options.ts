import { ConfigError } from '../config/load.js';
import type { Config } from '../config/types.js';
import type { DecoderOptions } from '../escpos/types.js';
import { loadProfiles, shippedProfilesDir, type ParseOptions, type Profile } from '../receipt/index.js';

/** The decoder's settings from config.decoder ('auto' stays auto: detected per document and till). */
export function decoderOptionsFromConfig(config: Config): DecoderOptions {
  const d = config.decoder;
  return { encoding: d.encoding, startInDoubleByte: d.startInDoubleByte, codePage: d.codePage, columns: d.columns };
}

/**
 * Shipped profiles, then the installer's own directory (same name: the installer's wins).
 * A `parser.profile` that names no profile is a config error now, not a failure on every receipt.
 */
export function profilesFromConfig(config: Config): Profile[] {
  const profiles = loadProfiles(config.parser.profilesDir === undefined ? [shippedProfilesDir()] : [shippedProfilesDir(), config.parser.profilesDir]);
  const wanted = config.parser.profile;
  if (wanted !== 'auto' && wanted !== 'none' && !profiles.some((p) => p.name === wanted)) {
    throw new ConfigError('config', [`parser.profile: expected auto, none or one of ${profiles.map((p) => p.name).join(', ')}; got ${JSON.stringify(wanted)}`]);
  }
  return profiles;
}

export function parseOptionsFromConfig(config: Config, profiles: Profile[]): ParseOptions {
  return { profiles, profile: config.parser.profile, currency: config.store.currency, timezone: config.store.timezone, dateOrder: config.parser.dateOrder };
}
