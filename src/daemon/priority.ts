/**
 * CPU priority for the parts of the box that are not the byte path (issue: on a 2-core Pi the tap
 * competes with its own analytics). Linux nice values are per thread, so a process is reniced task
 * by task (/proc/PID/task); threads it starts later inherit the value of the thread that starts
 * them. Raising niceness needs no privilege, so this works for the unprivileged service user.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** Sets every thread of `pid` to `nice` (0..19); returns how many threads were changed. */
export function reniceProcess(pid: number, nice: number): number {
  if (nice <= 0) return 0;
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0; // not Linux, or the process is gone
  }
  let n = 0;
  for (const tid of tids) {
    try {
      setPriority(Number(tid), nice);
      n++;
    } catch {
      // the thread exited meanwhile
    }
  }
  return n;
}

/** Sets the calling thread (a worker thread, say) to `nice`; false where that is not possible. */
export function reniceThisThread(nice: number): boolean {
  if (nice <= 0) return false;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
