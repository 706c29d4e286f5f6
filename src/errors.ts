/**
 * Every error tillbox raises on purpose carries a stable `code`. Callers branch on the code,
 * never on message text. A test checks that codes are unique and listed in the README.
 */
export const ERROR_CODES = {
  TBX_USAGE: 'bad command-line usage',
  TBX_CONFIG_INVALID: 'the config file or an environment override does not match the schema',
  TBX_CONFIG_UNREADABLE: 'the config file cannot be read or is not valid YAML',
  TBX_PORT_NOT_FOUND: 'a configured serial port does not exist',
  TBX_PORT_BUSY: 'a configured serial port is locked by another process',
  TBX_PORT_OPEN_FAILED: 'a serial port or TCP endpoint could not be opened',
  TBX_JOURNAL_OPEN_FAILED: 'the raw journal database cannot be opened',
  TBX_LEDGER_OPEN_FAILED: 'the ledger database cannot be opened',
  TBX_INPUT_INVALID: 'an input file or value is not what the command expects',
  TBX_PROFILE_INVALID: 'a receipt parse profile does not match its schema',
  TBX_OUTBOX_OPEN_FAILED: 'the sync outbox database cannot be opened',
  TBX_OUTBOX_FULL: 'the sync outbox is full and its policy is reject-new',
  TBX_MQTT_PAYLOAD_INVALID: 'an inbound MQTT payload failed validation',
  TBX_MQTT_PAYLOAD_TOO_LARGE: 'an inbound MQTT payload is over its size limit; acknowledged and refused unread',
  TBX_CONSENT_MEMBER_UNKNOWN: 'a consent message or command names a member (pseudonym or basket id) this box cannot find',
  TBX_AUTH_REQUIRED: 'the request needs an authenticated owner session',
  TBX_SCHEMA_TOO_NEW: 'a database was written by a newer tillbox (its schema version is higher than this one knows)',
  TBX_MIGRATION_FAILED: 'a schema migration failed; the database was left at its previous version',
  TBX_OPTIONAL_DEP_MISSING: 'an optional package (demo broker, head-office PostgreSQL client) is not installed',
  TBX_BACKUP_FAILED: 'a backup could not be written, or a restore could not be completed',
  TBX_BACKUP_INVALID: 'a backup directory is incomplete, or a file does not match its manifest checksum',
  TBX_DAEMON_UNREACHABLE: "the running daemon's control socket (<dataDir>/control.sock) cannot be reached: is tillbox running with this config?",
  TBX_PRINT_REFUSED: 'a test print was refused and nothing was printed: the POS was printing, or the printer state is not known',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class TillboxError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TillboxError';
    this.code = code;
  }
}

export function isTillboxError(err: unknown, code?: ErrorCode): err is TillboxError {
  return err instanceof TillboxError && (code === undefined || err.code === code);
}

/** Exit codes of the CLI contract: 2 for bad usage or bad input, 1 for any other failure. */
export function exitCodeFor(err: unknown): 1 | 2 {
  if (!(err instanceof TillboxError)) return 1;
  switch (err.code) {
    case 'TBX_USAGE':
    case 'TBX_CONFIG_INVALID':
    case 'TBX_CONFIG_UNREADABLE':
    case 'TBX_PORT_NOT_FOUND':
    case 'TBX_PORT_BUSY':
    case 'TBX_INPUT_INVALID':
    case 'TBX_PROFILE_INVALID':
    case 'TBX_BACKUP_INVALID':
      return 2;
    default:
      return 1;
  }
}
