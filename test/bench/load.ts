// Background load during a measurement: CPU time the whole machine spent busy (/proc/stat) minus
// the time this process and its waited children (the bare oneDNN program) used (/proc/self/stat).
// On a 2-CPU machine other work decides whether an OpenMP kernel runs at full speed, so every
// suite reports it. Linux only; elsewhere the figures are null.

import { readFileSync } from 'node:fs';

interface Snapshot {
  busy: number;
  total: number;
  ours: number;
}

function snapshot(): Snapshot | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest counted in user)
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = cpu;
    const busy = user + nice + system + irq + softirq + steal;
    // /proc/self/stat: fields after the ")" of the command name; utime is field 14 overall.
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    const ours = f[11]! + f[12]! + f[13]! + f[14]!; // utime stime cutime cstime
    return { busy, total: busy + idle + iowait, ours };
  } catch {
    return null;
  }
}

export interface LoadReport {
  /** Share of all CPUs busy with other processes during the interval (0..1), or null. */
  background: number | null;
  /** Share of all CPUs this process (and its children) used. */
  ours: number | null;
}

/** Starts an interval; call the returned function to end it. */
export function watchLoad(): () => LoadReport {
  const start = snapshot();
  return () => {
    const end = snapshot();
    if (!start || !end || end.total <= start.total) return { background: null, ours: null };
    const total = end.total - start.total;
    const ours = end.ours - start.ours;
    const background = Math.max(0, end.busy - start.busy - ours);
    return { background: background / total, ours: ours / total };
  };
}
