/**
 * Sampling the daemon's processes from /proc for the benchmarks: resident memory, CPU time, and
 * the tap's analytics child. Linux only (so is the box).
 */
import { readdirSync, readFileSync } from 'node:fs';

export function vmRss(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat (clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Child pids of a process, from /proc/<pid>/task/<tid>/children of every thread. */
export function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
      try {
        return readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter((s) => s !== '').map(Number);
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

/** The analytics child among them (the tap also runs short-lived `timedatectl` children). */
export function analyticsChildren(pid: number): number[] {
  return childrenOf(pid).filter((k) => {
    try {
      return readFileSync(`/proc/${k}/cmdline`, 'utf8').includes('analytics-main');
    } catch {
      return false;
    }
  });
}

/**
 * Peak VmRSS of the tap process and its analytics child while `work` runs, sampled every 250 ms,
 * and the share of one CPU each used meanwhile.
 */
export async function withRss<T>(tapPid: number, work: () => Promise<T>): Promise<{ result: T; tapMiB: number; childMiB: number; childPids: number[]; cpu: { tap: number; child: number } }> {
  let tapPeak = 0;
  let childPeak = 0;
  const pids = new Set<number>();
  const sample = () => {
    tapPeak = Math.max(tapPeak, vmRss(tapPid) || 0);
    const kids = analyticsChildren(tapPid);
    kids.forEach((k) => pids.add(k));
    childPeak = Math.max(childPeak, kids.reduce((n, k) => n + (vmRss(k) || 0), 0));
  };
  sample();
  const kids0 = analyticsChildren(tapPid);
  const cpu0 = { tap: cpuSeconds(tapPid), child: kids0.reduce((n, k) => n + cpuSeconds(k), 0), t: performance.now() };
  const timer = setInterval(sample, 250);
  try {
    const result = await work();
    sample();
    const wall = (performance.now() - cpu0.t) / 1000;
    // The same child throughout (a restart would show in childPids and make this figure meaningless).
    const cpu = { tap: (cpuSeconds(tapPid) - cpu0.tap) / wall, child: (kids0.reduce((n, k) => n + cpuSeconds(k), 0) - cpu0.child) / wall };
    return { result, tapMiB: tapPeak / 1048576, childMiB: childPeak / 1048576, childPids: [...pids], cpu };
  } finally {
    clearInterval(timer);
  }
}
