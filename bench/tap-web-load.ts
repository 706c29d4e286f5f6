/**
 * The load generator bench/tap-web.ts forks (its own process, so its CPU is not the parent's
 * timing loop's): two autocannon instances, one per route, until told to stop, then their figures.
 * Protocol over IPC: { base, cookie, rate } in, { started } out; any message in, { web } out.
 */
import { createRequire } from 'node:module';

interface CannonResult {
  requests: { total: number };
  latency: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
interface CannonInstance {
  stop(): void;
}
type Cannon = (opts: Record<string, unknown>, cb: (err: Error | null, r: CannonResult) => void) => CannonInstance;
export interface WebSide {
  path: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  total: number;
  non2xx: number;
  errors: number;
}

function loadChild(): void {
  const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;
  process.once('message', (m: { base: string; cookie: string; rate: number }) => {
    const t0 = performance.now();
    const runs = ['/api/status', '/'].map((path) => {
      let instance: CannonInstance | undefined;
      const done = new Promise<CannonResult | Error>((res) => {
        instance = autocannon(
          { url: `${m.base}${path}`, connections: 4, duration: 3600, headers: { cookie: m.cookie }, overallRate: m.rate / 2, ignoreCoordinatedOmission: true },
          (err, r) => res(err ?? r),
        );
      });
      return { path, instance, done };
    });
    process.send?.({ started: true });
    process.once('message', () => {
      const seconds = (performance.now() - t0) / 1000;
      for (const r of runs) r.instance?.stop();
      void Promise.all(runs.map(async (r): Promise<WebSide> => {
        const x = await r.done;
        if (x instanceof Error) throw x;
        return { path: r.path, reqPerSec: Math.round(x.requests.total / seconds), p50Ms: x.latency.p50, p99Ms: x.latency.p99, maxMs: x.latency.max, total: x.requests.total, non2xx: x.non2xx, errors: x.errors + x.timeouts };
      })).then((web) => process.send?.({ web }, () => process.exit(0)));
    });
  });
}

loadChild();
