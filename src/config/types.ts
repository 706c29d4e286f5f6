/** The validated, defaulted, frozen config. Mirrors schema.ts; a test checks they agree. */
export type FlowControl = 'none' | 'rtscts' | 'xonxoff';

export interface SerialLine {
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: 'none' | 'even' | 'odd' | 'mark' | 'space';
  stopBits: 1 | 1.5 | 2;
  flowControl: FlowControl;
}

export interface Config {
  store: { id: string; name: string; timezone: string; currency: string };
  box: { id: string };
  pos: SerialLine & { path: string; listen?: string; usbGadget: boolean; gadgetPath: string };
  printer: SerialLine & { path: string; host?: string; port: number; usb?: string };
  usb: { sysfsRoot: string; configfsRoot: string; gadgetName: string; devDir: string };
  bypass: { enabled: boolean; chip: string; line: number; activeLow: boolean; sideLossMs: number; hangMs: number; retryMs: number };
  tap: { reopenMinMs: number; reopenMaxMs: number; analyticsNice: number; journalNice: number };
  journal: { maxBytes: number; maxAgeDays: number; queueMaxBytes: number };
  decoder: {
    encoding: 'auto' | 'gb18030' | 'gbk' | 'big5' | 'shift_jis' | 'euc-kr';
    /** 'auto', 'true' or 'false' (see schema). */
    startInDoubleByte: 'auto' | 'true' | 'false';
    /** 'auto' or an ESC t number 0..255 as text (see schema). */
    codePage: string;
    columns: number;
    idleGapMs: number;
  };
  parser: { profile: string; profilesDir?: string; dateOrder: 'auto' | 'DMY' | 'MDY' | 'YMD' };
  dataDir: string;
  web: { host: string; port: number; adminPasswordHash?: string; sessionHours: number };
  mqtt?: {
    url: string;
    username?: string;
    password?: string;
    protocolVersion: 4 | 5;
    ca?: string;
    cert?: string;
    key?: string;
    keepalive: number;
  };
  sync: {
    member: 'none' | 'pseudonym';
    pseudonymKey?: string;
    pseudonymKeyVersion: number;
    timeResolution: 'hour' | 'minute';
    outboxMaxRows: number;
    outboxMaxAgeDays: number;
    whenFull: 'drop-oldest' | 'reject-new';
  };
  reminders: { daysBefore: number; hour: number; quietStart: number; quietEnd: number };
  notifications: {
    language: 'zh' | 'en';
    monthlySummary: boolean;
    buyAgain: boolean;
    file?: string;
    webhook?: string;
    webhookSecret?: string;
    webhookTemplate?: string;
    email?: { host: string; port: number; security: 'starttls' | 'tls' | 'none'; user?: string; password?: string; from: string; unsubscribeUrl?: string; ca?: string };
    webpush?: { enabled: boolean; subject: string; ttlSeconds: number };
    rateLimit: { email: number; webpush: number; webhook: number; mqtt: number; file: number };
  };
  footer: {
    enabled: boolean;
    dryRun: boolean;
    maxHoldMs: number;
    minConfidence: number;
    member: boolean;
    expiring: boolean;
    buyAgain: boolean;
    rulesFile?: string;
    noCutter: boolean;
    noCutterFeeds: number;
    barcode: { enabled: boolean; height: number; width: number };
    qr: { url?: string; key?: string; size: number };
  };
  insights: {
    cron: string;
    windowDays: number;
    timeUnitDays: number;
    horizonDays: number;
    atRiskBelow: number;
    minSupport: number;
    minConfidence: number;
    basketsBy: 'product' | 'category';
  };
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' };
}
