/**
 * What watches the box during the soak: the owner's page polled like a browser (logged in, /api/status
 * and / once a second), head office's subscriber (every basket, duplicates counted before dedupe),
 * and a /proc sampler for each process's resident memory.
 */
import mqtt from 'mqtt';
import { vmRss } from '../proc-sample.js';
import { PASSWORD, type SoakRig } from './rig.js';

export interface PageSample {
  t: number;
  /** 'unreachable' when the page did not answer within 2 s. */
  state: 'ok' | 'unreachable';
  /** Lights that were not ok, e.g. "printer:bad:link_down". */
  lights: string[];
}

export class PagePoller {
  readonly samples: PageSample[] = [];
  requests = 0;
  failures = 0;
  private cookie = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly rig: SoakRig) {}

  start(): void {
    const tick = async (): Promise<void> => {
      await this.poll();
      this.timer = setTimeout(() => void tick(), 1000);
    };
    void tick();
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  private base(): string {
    return `http://127.0.0.1:${this.rig.webPort}`;
  }

  private async login(): Promise<void> {
    const res = await fetch(`${this.base()}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: PASSWORD }), signal: AbortSignal.timeout(5000) });
    const set = res.headers.get('set-cookie');
    if (set !== null) this.cookie = set.split(';')[0] ?? '';
  }

  private async poll(): Promise<void> {
    const t = performance.now();
    try {
      if (this.cookie === '') await this.login();
      this.requests++;
      const res = await fetch(`${this.base()}/api/status`, { headers: { cookie: this.cookie }, signal: AbortSignal.timeout(2000) });
      if (res.status === 401) {
        this.cookie = ''; // sessions live in memory: a restarted child logged us out
        return;
      }
      const body = (await res.json()) as { health?: Record<string, { level: string; reason: string }> };
      const lights = Object.entries(body.health ?? {})
        .filter(([, l]) => l.level !== 'ok')
        .map(([k, l]) => `${k}:${l.level}:${l.reason}`);
      this.samples.push({ t, state: 'ok', lights });
      this.requests++;
      await fetch(`${this.base()}/`, { signal: AbortSignal.timeout(2000) }).then((r) => r.arrayBuffer());
    } catch {
      this.failures++;
      this.cookie = '';
      this.samples.push({ t, state: 'unreachable', lights: [] });
    }
  }
}

export class HeadOffice {
  readonly ids = new Map<string, number>();
  messages = 0;
  private client: mqtt.MqttClient | undefined;

  async start(url: string): Promise<void> {
    // A persistent session (clean: false) like a real consumer, so nothing is missed across broker restarts.
    const client = mqtt.connect(url, { protocolVersion: 5, clean: false, clientId: 'soak-headoffice', reconnectPeriod: 500, properties: { sessionExpiryInterval: 3600 } });
    this.client = client;
    client.on('message', (topic, payload) => {
      if (!topic.endsWith('/basket')) return;
      this.messages++;
      const id = (JSON.parse(payload.toString('utf8')) as { id: string }).id;
      this.ids.set(id, (this.ids.get(id) ?? 0) + 1);
    });
    await new Promise<void>((r) => client.once('connect', () => r()));
    await client.subscribeAsync('tillbox/+/+/basket', { qos: 1 });
  }

  duplicates(): number {
    return this.messages - this.ids.size;
  }

  async stop(): Promise<void> {
    await this.client?.endAsync();
  }
}

export interface RssCurve {
  role: string;
  peak: number;
  points: { t: number; rss: number }[];
}

/** Samples each role's resident memory once a second; keeps a point a minute (and the last) for the curve. */
export class RssSampler {
  readonly curves = new Map<string, RssCurve>();
  private timer: NodeJS.Timeout | undefined;
  private lastPoint = -Infinity;

  constructor(private readonly pids: () => Record<string, number | undefined>) {}

  start(): void {
    this.timer = setInterval(() => this.sample(), 1000);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.sample(true);
  }

  /** Each role's resident memory at its first point, the point nearest `t0` + 1 h (runs that long), and the last. */
  summary(t0: number): Record<string, { startMb: number; after1hMb: number | null; endMb: number; peakMb: number }> {
    const mb = (b: number): number => Math.round(b / 1e5) / 10;
    const out: Record<string, { startMb: number; after1hMb: number | null; endMb: number; peakMb: number }> = {};
    for (const c of this.curves.values()) {
      const first = c.points[0];
      const last = c.points.at(-1);
      if (first === undefined || last === undefined) continue;
      const hour = t0 + 3600_000;
      const near = last.t < hour - 30_000 ? undefined : c.points.reduce((a, p) => (Math.abs(p.t - hour) < Math.abs(a.t - hour) ? p : a));
      out[c.role] = { startMb: mb(first.rss), after1hMb: near === undefined ? null : mb(near.rss), endMb: mb(last.rss), peakMb: mb(c.peak) };
    }
    return out;
  }

  private sample(final = false): void {
    const t = performance.now();
    const keep = final || t - this.lastPoint >= 60_000;
    if (keep) this.lastPoint = t;
    for (const [role, pid] of Object.entries(this.pids())) {
      if (pid === undefined) continue;
      const rss = vmRss(pid);
      if (!Number.isFinite(rss)) continue;
      const c = this.curves.get(role) ?? { role, peak: 0, points: [] };
      c.peak = Math.max(c.peak, rss);
      if (keep || c.points.length === 0) c.points.push({ t, rss });
      this.curves.set(role, c);
    }
  }
}
