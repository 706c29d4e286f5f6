/**
 * Connection options for the box's MQTT client, built from config, and `checkBroker` for
 * `tillbox doctor`. Reconnection is not left to mqtt.js (its fixed reconnectPeriod has no back-off
 * or jitter): `reconnectPeriod: 0` here, and src/sync/link.ts schedules reconnects itself.
 */
import { readFileSync } from 'node:fs';
import { connect, type IClientOptions } from 'mqtt';
import type { Config } from '../config/types.js';
import { MAX_CATALOGUE_BYTES } from './inbound.js';
import { topicsFor } from './topics.js';

export type MqttConfig = NonNullable<Config['mqtt']>;

/** A persistent session survives a week of the box being offline (MQTT 5 Session Expiry Interval, 3.1.2.11.2). */
export const SESSION_EXPIRY_S = 7 * 24 * 3600;

/**
 * MQTT 5 Maximum Packet Size (3.1.2.11.4) the box states on CONNECT: the broker must not send it a
 * larger packet and drops one instead, as if delivered, so it is not redelivered either. Twice
 * the largest per-topic limit (MAX_CATALOGUE_BYTES), so a payload between the two still reaches
 * the box and gets a TBX_MQTT_PAYLOAD_TOO_LARGE reply; MQTT 3.1.1 has no such property, and there
 * the per-topic check before parsing is the only guard.
 */
export const MAX_INBOUND_PACKET_BYTES = 2 * MAX_CATALOGUE_BYTES;

/** Stable across restarts so the broker resumes the persistent session: tillbox-{store}-{box}. */
export function clientIdFor(config: Pick<Config, 'store' | 'box'>): string {
  return `tillbox-${config.store.id}-${config.box.id}`;
}

/** TLS files are read here, once per connection attempt, so a renewed certificate is picked up. */
export function mqttOptions(mqtt: MqttConfig, clientId: string, extra: Partial<IClientOptions> = {}): IClientOptions {
  const opts: IClientOptions = {
    clientId,
    protocolVersion: mqtt.protocolVersion,
    keepalive: mqtt.keepalive,
    clean: false,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    resubscribe: false,
    ...extra,
  };
  if (mqtt.protocolVersion === 5 && opts.clean === false) opts.properties = { sessionExpiryInterval: SESSION_EXPIRY_S, ...opts.properties };
  if (mqtt.protocolVersion === 5) opts.properties = { maximumPacketSize: MAX_INBOUND_PACKET_BYTES, ...opts.properties };
  if (mqtt.username !== undefined) opts.username = mqtt.username;
  if (mqtt.password !== undefined) opts.password = mqtt.password;
  if (mqtt.ca !== undefined) opts.ca = readFileSync(mqtt.ca);
  if (mqtt.cert !== undefined) opts.cert = readFileSync(mqtt.cert);
  if (mqtt.key !== undefined) opts.key = readFileSync(mqtt.key);
  if (mqtt.ca !== undefined || mqtt.cert !== undefined) opts.rejectUnauthorized = true;
  return opts;
}

export type BrokerCheck = { ok: true; detail: string } | { ok: false; error: string };

/**
 * Connect, wait for CONNACK, disconnect. Uses its own throw-away client id and a clean session,
 * so it never takes over (and disconnects) the running daemon's session.
 */
export async function checkBroker(config: Config, opts: { timeoutMs?: number } = {}): Promise<BrokerCheck> {
  const mqtt = config.mqtt;
  if (mqtt === undefined) return { ok: false, error: 'mqtt.url is not configured: baskets wait in the outbox' };
  const timeoutMs = opts.timeoutMs ?? 10_000;
  let options: IClientOptions;
  try {
    options = mqttOptions(mqtt, `${clientIdFor(config)}-doctor-${process.pid}`, { clean: true, connectTimeout: timeoutMs });
  } catch (err) {
    return { ok: false, error: `cannot read TLS file: ${(err as Error).message}` };
  }
  const started = Date.now();
  return new Promise<BrokerCheck>((resolve) => {
    const client = connect(mqtt.url, options);
    let settled = false;
    const finish = (result: BrokerCheck): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.end(true, () => resolve(result));
    };
    const timer = setTimeout(() => finish({ ok: false, error: `${redactUrl(mqtt.url)}: no CONNACK within ${timeoutMs} ms` }), timeoutMs);
    client.once('connect', () => {
      const base = topicsFor(config.store.id, config.box.id).base;
      finish({ ok: true, detail: `${redactUrl(mqtt.url)}: connected (MQTT ${mqtt.protocolVersion === 5 ? '5' : '3.1.1'}) in ${Date.now() - started} ms; topics under ${base}/` });
    });
    client.once('error', (err) => finish({ ok: false, error: `${redactUrl(mqtt.url)}: ${err.message}` }));
    client.once('close', () => finish({ ok: false, error: `${redactUrl(mqtt.url)}: connection closed before CONNACK` }));
  });
}

/** Never print a password that was put in the URL. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
