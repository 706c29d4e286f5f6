/**
 * The one config schema (JSON Schema, validated by ajv). Every key has a default or is optional,
 * and every key has a description: the README's configuration table is generated from this file
 * (`npm run config-docs`) and a test keeps the two in step.
 *
 * Sections belong to the module that reads them; add keys freely, never rename fixed ones
 * (DESIGN.md lists the fixed keys installers' files rely on).
 */
const serialLine = {
  baudRate: { type: 'integer', enum: [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400], default: 9600, description: 'line speed in baud' },
  dataBits: { type: 'integer', enum: [5, 6, 7, 8], default: 8, description: 'data bits per character' },
  parity: { type: 'string', enum: ['none', 'even', 'odd', 'mark', 'space'], default: 'none', description: 'parity bit' },
  stopBits: { type: 'number', enum: [1, 1.5, 2], default: 1, description: 'stop bits' },
  flowControl: { type: 'string', enum: ['none', 'rtscts', 'xonxoff'], default: 'none', description: 'flow control on this side: none, rtscts (hardware) or xonxoff (software; the bytes are still relayed unchanged)' },
} as const;

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    store: {
      type: 'object', additionalProperties: false, default: {}, description: 'the shop this box serves',
      properties: {
        id: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$', default: 'store-001', description: 'store id, used in MQTT topics (letters, digits, . _ -)' },
        name: { type: 'string', default: '', description: 'store name shown on the status page (empty: taken from receipts)' },
        timezone: { type: 'string', default: 'Asia/Shanghai', description: 'IANA time zone of the shop (checked against Intl at start); receipt times without an offset are read in it' },
        currency: { type: 'string', pattern: '^[A-Z]{3}$', default: 'CNY', description: 'ISO 4217 currency of the till' },
      },
    },
    box: {
      type: 'object', additionalProperties: false, default: {}, description: 'this box',
      properties: {
        id: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$', default: 'box-01', description: 'box id, used in MQTT topics' },
      },
    },
    pos: {
      type: 'object', additionalProperties: false, default: {}, description: 'the cash register side: a serial port (path) or, for network printers, a TCP listen address the POS prints to (listen)',
      properties: {
        path: { type: 'string', default: '/dev/tillbox-pos', description: 'serial device the POS is wired to' },
        listen: { type: 'string', pattern: '^[^:]+:[0-9]{1,5}$', description: 'host:port to accept the POS print jobs on (e.g. 0.0.0.0:9100); set instead of path' },
        usbGadget: { type: 'boolean', default: false, description: 'the POS prints over USB: the box is its USB printer (printer gadget on the OTG port, cloning the real printer; docs/usb.md); set instead of path' },
        gadgetPath: { type: 'string', default: '/dev/g_printer0', description: 'with usbGadget: the gadget device the POS bytes arrive on' },
        ...serialLine,
      },
    },
    printer: {
      type: 'object', additionalProperties: false, default: {}, description: 'the printer side: a serial port (path) or a network printer (host, port)',
      properties: {
        path: { type: 'string', default: '/dev/tillbox-printer', description: 'serial device the printer is wired to' },
        host: { type: 'string', description: 'network printer address; set instead of path' },
        usb: { type: 'string', pattern: '^(auto|/.+)$', description: 'a USB printer on the box: auto (the first one usblp finds, again after each replug) or its device, e.g. /dev/usb/lp0; set instead of path' },
        port: { type: 'integer', minimum: 1, maximum: 65535, default: 9100, description: 'network printer TCP port' },
        ...serialLine,
      },
    },
    tap: {
      type: 'object', additionalProperties: false, default: {}, description: 'passthrough behaviour',
      properties: {
        reopenMinMs: { type: 'integer', minimum: 10, default: 100, description: 'first retry delay after a port is lost' },
        reopenMaxMs: { type: 'integer', minimum: 100, maximum: 2000, default: 1000, description: 'longest retry delay (kept at or under 2 s so a replugged adapter is back within 2 s)' },
        analyticsNice: {
          type: 'integer', minimum: 0, maximum: 19, default: 10,
          description: 'niceness of every thread of the analytics child (set by the tap after each start), so forwarding goes first on a busy box; 0: off',
        },
        journalNice: {
          type: 'integer', minimum: 0, maximum: 19, default: 0,
          description: 'niceness of the journal writer thread (the tap process itself is not changed); 0: off, the default: a niced writer lags in a burst and the pipeline may then close a document early',
        },
      },
    },
    usb: {
      type: 'object', additionalProperties: false, default: {}, description: 'where the USB sides find the kernel (docs/usb.md)',
      properties: {
        sysfsRoot: { type: 'string', default: '/sys', description: 'sysfs mount: the USB printer identity (class/usbmisc) and the UDC state (class/udc)' },
        configfsRoot: { type: 'string', default: '/sys/kernel/config', description: 'configfs mount holding the printer gadget' },
        gadgetName: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$', default: 'tillbox', description: 'the gadget directory under usb_gadget/ (as made by firmware-config/tillbox-gadget.sh)' },
        devDir: { type: 'string', default: '/dev/usb', description: 'where usblp device nodes appear (printer.usb: auto)' },
      },
    },
    bypass: {
      type: 'object', additionalProperties: false, default: {}, description: 'fail-safe bypass relay: de-energised, POS and printer are wired straight together; the tap energises it only while it relays (docs/usb.md)',
      properties: {
        enabled: { type: 'boolean', default: false, description: 'drive the relay (off: the GPIO is never touched)' },
        chip: { type: 'string', default: 'gpiochip0', description: 'GPIO chip of the relay line (gpiod character device name)' },
        line: { type: 'integer', minimum: 0, maximum: 1023, default: 17, description: 'GPIO line offset on that chip' },
        activeLow: { type: 'boolean', default: false, description: 'the relay driver energises on a low level' },
        sideLossMs: { type: 'integer', minimum: 100, maximum: 60000, default: 3000, description: 'a side lost this long releases the relay (printing goes direct)' },
        hangMs: { type: 'integer', minimum: 200, maximum: 60000, default: 2000, description: 'an event loop stalled this long releases the relay (checked by a timer; the gpioset child lets go)' },
        retryMs: { type: 'integer', minimum: 1000, maximum: 3600000, default: 60000, description: 'USB sides: after a release because a side never came up behind the switch, wait this long before trying again' },
      },
    },
    journal: {
      type: 'object', additionalProperties: false, default: {}, description: 'raw byte journal retention (data not yet consumed by the pipeline is never deleted)',
      properties: {
        maxBytes: { type: 'integer', minimum: 1048576, default: 536870912, description: 'keep at most this many journal bytes' },
        maxAgeDays: { type: 'integer', minimum: 1, default: 90, description: 'delete consumed journal data older than this' },
        queueMaxBytes: {
          type: 'integer', minimum: 65536, maximum: 33554432, default: 4194304,
          description: 'bytes held in memory while the journal cannot write (disk full); printing goes on, bytes past this are forwarded but not journaled (counted)',
        },
      },
    },
    decoder: {
      type: 'object', additionalProperties: false, default: {}, description: 'ESC/POS decoding',
      properties: {
        encoding: { type: 'string', enum: ['auto', 'gb18030', 'gbk', 'big5', 'shift_jis', 'euc-kr'], default: 'auto', description: 'text encoding of double-byte (CJK) text; auto: detected from the text' },
        // A string so one key holds auto or a boolean (YAML true/false and TILLBOX_* values arrive as "true"/"false").
        startInDoubleByte: { type: 'string', enum: ['auto', 'true', 'false'], default: 'auto', description: 'the printer starts in double-byte mode without FS &: true, false, or auto (detected per till)' },
        codePage: { type: 'string', pattern: '^(auto|25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$', default: 'auto', description: 'ESC t code page in force at power-on (0-255), or auto (detected when the POS sends no ESC t)' },
        columns: { type: 'integer', minimum: 16, maximum: 80, default: 48, description: 'characters per line of font A (58 mm paper: 32, 80 mm: 48)' },
        idleGapMs: { type: 'integer', minimum: 0, default: 3000, description: 'split documents after this much silence when no cut command arrives (0: only on cuts)' },
      },
    },
    parser: {
      type: 'object', additionalProperties: false, default: {}, description: 'receipt parsing',
      properties: {
        profile: { type: 'string', default: 'auto', description: 'parse profile name, or auto (detect by header signature, else heuristics)' },
        profilesDir: { type: 'string', description: 'extra directory of YAML parse profiles' },
        dateOrder: { type: 'string', enum: ['auto', 'DMY', 'MDY', 'YMD'], default: 'auto', description: 'how to read an ambiguous date like 03/04/2026: auto learns it per till from unambiguous dates (a day over 12), before that from the receipt (currency, phone format, words, script), else DMY; an order overrides' },
      },
    },
    dataDir: { type: 'string', default: '/var/lib/tillbox', description: 'where the journal and ledger live' },
    web: {
      type: 'object', additionalProperties: false, default: {}, description: 'status page and API on the shop LAN',
      properties: {
        host: { type: 'string', default: '0.0.0.0', description: 'listen address' },
        port: { type: 'integer', minimum: 0, maximum: 65535, default: 8080, description: 'listen port' },
        adminPasswordHash: { type: 'string', description: 'owner password as scrypt hash (tillbox passwd); absent: first visit asks for one' },
        sessionHours: { type: 'integer', minimum: 1, default: 12, description: 'owner login lifetime' },
      },
    },
    mqtt: {
      type: 'object', additionalProperties: false, description: 'head-office broker; absent: no sync, baskets wait in the outbox',
      properties: {
        url: { type: 'string', pattern: '^(mqtts?|wss?|tcp|ssl)://', description: 'broker URL, e.g. mqtts://broker.example:8883' },
        username: { type: 'string', description: 'broker user name' },
        password: { type: 'string', description: 'broker password (better: TILLBOX_MQTT_PASSWORD)' },
        protocolVersion: { type: 'integer', enum: [4, 5], default: 5, description: 'MQTT 3.1.1 (4) or 5' },
        ca: { type: 'string', description: 'CA certificate file (PEM) for TLS' },
        cert: { type: 'string', description: 'client certificate file (PEM)' },
        key: { type: 'string', description: 'client key file (PEM)' },
        keepalive: { type: 'integer', minimum: 5, maximum: 65535, default: 60, description: 'keepalive in seconds' },
      },
      required: ['url'],
    },
    sync: {
      type: 'object', additionalProperties: false, default: {}, description: 'basket sync to head office',
      properties: {
        member: { type: 'string', enum: ['none', 'pseudonym'], default: 'none', description: 'none: no member identifier leaves the box; pseudonym: keyed HMAC-SHA-256 pseudonym' },
        pseudonymKey: { type: 'string', minLength: 16, description: 'HMAC key for pseudonyms (better: TILLBOX_SYNC_PSEUDONYMKEY); stays on the box' },
        pseudonymKeyVersion: { type: 'integer', minimum: 1, default: 1, description: 'key version prefixed to pseudonyms, raise it when the key rotates' },
        timeResolution: { type: 'string', enum: ['hour', 'minute'], default: 'hour', description: 'basket time is coarsened to this' },
        outboxMaxRows: { type: 'integer', minimum: 100, default: 500000, description: 'most baskets kept waiting' },
        outboxMaxAgeDays: { type: 'integer', minimum: 1, default: 60, description: 'baskets older than this are dropped and counted' },
        whenFull: { type: 'string', enum: ['drop-oldest', 'reject-new'], default: 'drop-oldest', description: 'outbox policy when full' },
      },
    },
    reminders: {
      type: 'object', additionalProperties: false, default: {}, description: 'shopper expiry reminders',
      properties: {
        daysBefore: { type: 'integer', minimum: 0, maximum: 30, default: 1, description: 'remind this many days before the expected expiry' },
        hour: { type: 'integer', minimum: 0, maximum: 23, default: 9, description: 'local hour reminders go out' },
        quietStart: { type: 'integer', minimum: 0, maximum: 23, default: 21, description: 'no messages from this local hour ...' },
        quietEnd: { type: 'integer', minimum: 0, maximum: 23, default: 8, description: '... until this local hour' },
      },
    },
    notifications: {
      type: 'object', additionalProperties: false, default: {}, description: 'messages to consenting members',
      properties: {
        language: { type: 'string', enum: ['zh', 'en'], default: 'zh', description: 'template language' },
        monthlySummary: { type: 'boolean', default: true, description: 'send a spend summary on the 1st of each month' },
        buyAgain: { type: 'boolean', default: false, description: 'daily at reminders.hour, suggest restocking what a member buys at a regular interval (3+ purchases)' },
        file: { type: 'string', description: 'append messages to this file (demo channel)' },
        webhook: { type: 'string', pattern: '^https?://', description: 'POST messages to this URL (signed when webhookSecret is set; carries the mobile number only of members who consented to the webhook channel)' },
        webhookSecret: { type: 'string', minLength: 16, description: 'HMAC-SHA-256 key for the x-tillbox-signature header over "timestamp.body" (better: TILLBOX_NOTIFICATIONS_WEBHOOKSECRET); receivers reject timestamps more than 300 s off' },
        webhookTemplate: { type: 'string', description: 'JSON file shaping the webhook body: string values may hold {{id}} {{kind}} {{language}} {{title}} {{body}} {{text}} {{mobile}} {{member}} {{createdAt}} (docs/notifications.md); absent: tillbox\'s own body' },
        email: {
          type: 'object', additionalProperties: false, description: 'e-mail over SMTP to members who consented and gave an address; absent: no e-mail channel',
          properties: {
            host: { type: 'string', minLength: 1, description: 'SMTP server' },
            port: { type: 'integer', minimum: 1, maximum: 65535, default: 587, description: 'SMTP port (587 submission with STARTTLS, 465 TLS)' },
            security: { type: 'string', enum: ['starttls', 'tls', 'none'], default: 'starttls', description: 'starttls: upgrade required (refuses a server without it); tls: TLS from the first byte; none: plain (a local relay only)' },
            user: { type: 'string', description: 'SMTP user name (absent: no AUTH)' },
            password: { type: 'string', description: 'SMTP password (better: TILLBOX_NOTIFICATIONS_EMAIL_PASSWORD)' },
            from: { type: 'string', minLength: 3, description: 'sender, e.g. "示例超市 <shop@example.cn>"' },
            unsubscribeUrl: { type: 'string', pattern: '^https?://', description: 'unsubscribe link template with {member} (the pseudonym, as in baskets) and {channel}, e.g. the head-office shopper page; absent (or no sync.pseudonymKey): the mail says how to unsubscribe at the till' },
            ca: { type: 'string', description: 'CA certificate file (PEM) to trust for the SMTP server' },
          },
          required: ['host', 'from'],
        },
        webpush: {
          type: 'object', additionalProperties: false, description: 'Web Push to browsers that subscribed on the head-office shopper page (VAPID keys made on first start in dataDir/vapid.json, mode 0600; the public key is published on the webpush topic)',
          properties: {
            enabled: { type: 'boolean', default: false, description: 'run the Web Push channel' },
            subject: { type: 'string', pattern: '^(mailto:|https://)', default: 'mailto:owner@tillbox.invalid', description: 'VAPID subject: a mailto: or https: contact for push services' },
            ttlSeconds: { type: 'integer', minimum: 0, maximum: 2419200, default: 86400, description: 'how long a push service keeps a message for an offline browser' },
          },
        },
        rateLimit: {
          type: 'object', additionalProperties: false, default: {}, description: 'most deliveries per minute per channel; the rest wait for the next minute',
          properties: {
            email: { type: 'integer', minimum: 1, default: 60, description: 'e-mails per minute' },
            webpush: { type: 'integer', minimum: 1, default: 120, description: 'Web Push messages per minute' },
            webhook: { type: 'integer', minimum: 1, default: 120, description: 'webhook calls per minute' },
            mqtt: { type: 'integer', minimum: 1, default: 600, description: 'MQTT notification messages per minute' },
            file: { type: 'integer', minimum: 1, default: 6000, description: 'file channel lines per minute' },
          },
        },
      },
    },
    footer: {
      type: 'object', additionalProperties: false, default: {}, description: 'at-till messages printed before the cut of sale receipts (docs/notes/h8-footer.md)',
      properties: {
        enabled: { type: 'boolean', default: false, description: 'insert footers into the printer stream (off: the stream is never touched)' },
        dryRun: { type: 'boolean', default: false, description: 'compute, log and show what would be printed without touching the stream (wins over enabled)' },
        maxHoldMs: { type: 'integer', minimum: 20, maximum: 1000, default: 150, description: 'longest a cut waits for its footer; then it goes out unchanged (counted late)' },
        minConfidence: { type: 'number', minimum: 0, maximum: 1, default: 0.9, description: 'a receipt parsed with less confidence gets no footer' },
        member: { type: 'boolean', default: true, description: "member's month-to-date spend and change against last month" },
        expiring: { type: 'boolean', default: true, description: 'items of this and recent receipts expiring within reminders.daysBefore + 1 days' },
        buyAgain: { type: 'boolean', default: true, description: 'a buy-again nudge when one is due' },
        rulesFile: { type: 'string', description: 'YAML file of store rules (basket-triggered messages and coupons)' },
        noCutter: {
          type: 'boolean', default: false,
          description: 'the printer has no cutter: a receipt ends with a run of line feeds (tear-off) instead of a cut; the footer goes before the last feeds of that run, only when nothing but feeds follows and the till then goes quiet (else the stream is unchanged)',
        },
        noCutterFeeds: { type: 'integer', minimum: 2, maximum: 20, default: 4, description: 'with noCutter: how many line feeds in a row, counting the one that ends the last printed line, mark the end of a receipt (the first ones go out at once; the footer goes before the last)' },
        barcode: {
          type: 'object', additionalProperties: false, default: {}, description: 'a barcode (GS k) of the coupon code under a coupon rule\'s line',
          properties: {
            enabled: { type: 'boolean', default: false, description: 'print the first issued coupon code as a CODE128 barcode (only when the printer\'s barcode settings are known, so they can be put back)' },
            height: { type: 'integer', minimum: 24, maximum: 255, default: 60, description: 'barcode height in dots (GS h)' },
            width: { type: 'integer', minimum: 2, maximum: 6, default: 2, description: 'barcode module width (GS w)' },
          },
        },
        qr: {
          type: 'object', additionalProperties: false, default: {}, description: 'e-receipt QR code',
          properties: {
            url: { type: 'string', pattern: '^https?://', description: 'URL template with {store} and {token}, e.g. https://crm.example/r/{store}/{token}; absent: no QR' },
            key: { type: 'string', minLength: 16, description: 'HMAC key shared with head office for {token} (better: TILLBOX_FOOTER_QR_KEY)' },
            size: { type: 'integer', minimum: 1, maximum: 16, default: 4, description: 'QR module size in dots' },
          },
        },
      },
    },
    insights: {
      type: 'object', additionalProperties: false, default: {}, description: 'customer insights for the owner',
      properties: {
        cron: { type: 'string', default: '30 2 * * *', description: 'when the nightly insights job runs (cron: 5 or 6 fields, checked by node-cron at start; store time zone)' },
        windowDays: { type: 'integer', minimum: 7, default: 365, description: 'RFM window' },
        timeUnitDays: { type: 'integer', minimum: 1, maximum: 31, default: 7, description: 'churn model (BG/NBD) time unit in days: 7 = weeks' },
        horizonDays: { type: 'integer', minimum: 1, default: 364, description: 'expected purchases and CLV look this many days ahead' },
        atRiskBelow: { type: 'number', minimum: 0, maximum: 1, default: 0.5, description: 'a valuable member whose P(alive) is below this is listed as at risk' },
        minSupport: { type: 'number', minimum: 0.0001, maximum: 1, default: 0.01, description: 'basket rules: minimum support, fraction of baskets' },
        minConfidence: { type: 'number', minimum: 0, maximum: 1, default: 0.25, description: 'basket rules: minimum confidence' },
        basketsBy: { type: 'string', enum: ['product', 'category'], default: 'product', description: 'basket rules over product names or categories' },
      },
    },
    log: {
      type: 'object', additionalProperties: false, default: {}, description: 'logging',
      properties: {
        level: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'], default: 'info', description: 'pino log level' },
      },
    },
  },
} as const;
