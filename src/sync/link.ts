/**
 * The one owner of the box's MQTT client. A fresh mqtt.js client per connection attempt, with
 * mqtt.js's own reconnect switched off: when a connection closes, the next attempt is scheduled
 * with exponential back-off and jitter. Unacknowledged publishes of the dead connection are not
 * resent by mqtt.js (its in-memory store dies with the client); the outbox resends them.
 */
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from '../log.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { redactUrl } from './connection.js';

export interface LinkHandlers {
  /** CONNACK received; `generation` identifies this connection. */
  onConnect(client: MqttClient, generation: number, connack: { sessionPresent: boolean; receiveMaximum?: number | undefined }): void;
  /** The connection of this generation is gone (never called for one that never connected). */
  onDisconnect(generation: number): void;
  onMessage(topic: string, payload: Buffer): void;
}

export interface LinkOptions {
  url: string;
  /** Called before each attempt (re-reads TLS files). */
  clientOptions: () => IClientOptions;
  backoff: BackoffOptions;
  random?: () => number;
  logger: Logger;
  handlers: LinkHandlers;
}

export class Link {
  private client: MqttClient | null = null;
  private connected = false;
  private generation = 0;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  connects = 0;

  constructor(private readonly opts: LinkOptions) {}

  /** The client while a connection is up, else null. */
  get current(): MqttClient | null {
    return this.connected ? this.client : null;
  }

  get currentGeneration(): number {
    return this.generation;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.open();
  }

  private open(): void {
    this.timer = null;
    if (this.stopped) return;
    const gen = ++this.generation;
    let options: IClientOptions;
    try {
      options = this.opts.clientOptions();
    } catch (err) {
      this.opts.logger.error({ err }, 'cannot build MQTT connection options');
      this.scheduleRetry();
      return;
    }
    const client = connect(this.opts.url, options);
    this.client = client;
    let wasUp = false;
    client.on('connect', (connack) => {
      if (gen !== this.generation) return;
      wasUp = true;
      this.connected = true;
      this.attempt = 0;
      this.connects++;
      this.opts.logger.info({ url: redactUrl(this.opts.url), sessionPresent: connack.sessionPresent, attempt: this.connects }, 'mqtt connected');
      this.opts.handlers.onConnect(client, gen, { sessionPresent: connack.sessionPresent, receiveMaximum: connack.properties?.receiveMaximum });
    });
    client.on('message', (topic, payload) => {
      if (gen === this.generation) this.opts.handlers.onMessage(topic, payload);
    });
    client.on('error', (err) => {
      if (gen === this.generation) this.opts.logger.warn({ err: { message: err.message, code: (err as NodeJS.ErrnoException).code } }, 'mqtt error');
    });
    client.on('close', () => {
      if (gen !== this.generation) return;
      this.connected = false;
      if (wasUp) this.opts.handlers.onDisconnect(gen);
      wasUp = false;
      // Drop this client completely; the next attempt gets a fresh one.
      client.removeAllListeners('close');
      client.on('error', () => {});
      client.end(true);
      if (this.client === client) this.client = null;
      this.scheduleRetry();
    });
  }

  private scheduleRetry(): void {
    if (this.stopped || this.timer !== null) return;
    const delay = backoffDelay(this.attempt++, this.opts.backoff, this.opts.random);
    this.opts.logger.info({ delayMs: delay, attempt: this.attempt }, 'mqtt reconnect scheduled');
    this.timer = setTimeout(() => this.open(), delay);
  }

  /**
   * Stop reconnecting and close. `beforeClose` runs while still connected (the offline status),
   * then a normal DISCONNECT is sent, so the broker does not publish the last will.
   */
  async stop(beforeClose?: (client: MqttClient) => Promise<void>): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const client = this.client;
    const wasConnected = this.connected;
    this.client = null;
    this.connected = false;
    this.generation++;
    if (client === null) return;
    if (wasConnected && beforeClose !== undefined) {
      try {
        await beforeClose(client);
      } catch (err) {
        this.opts.logger.warn({ err }, 'mqtt: final publish failed');
      }
    }
    await new Promise<void>((resolve) => {
      client.on('error', () => {});
      // A graceful end waits for in-flight publishes; a broker that stopped answering must not
      // hold up shutdown, so force it after a while.
      const force = setTimeout(() => client.end(true, () => resolve()), 3000);
      client.end(!wasConnected, {}, () => {
        clearTimeout(force);
        resolve();
      });
    });
  }
}
