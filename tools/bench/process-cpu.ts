// CPU time of the system's processes from /proc, read at a load phase's start and end, so a phase's CPU can be split
// by process and divided by what the phase achieved (ms of CPU per claim). Linux only: elsewhere every read is empty.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime/stime (getconf CLK_TCK; 100 on every Linux this runs on). */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface Stat {
  pid: number;
  ppid: number;
  /** Own user + system time, ms. */
  ownMs: number;
  /** User + system time of children that exited and were waited for, ms. */
  reapedMs: number;
}

function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ms = (i: number) => (Number(f[i]) * 1000) / TICKS_PER_SECOND;
    // After the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14).
    return { pid, ppid: Number(f[1]), ownMs: ms(11) + ms(12), reapedMs: ms(13) + ms(14) };
  } catch {
    return undefined; // gone, or not Linux
  }
}

function allStats(): Stat[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  return names.filter((n) => /^\d+$/.test(n)).map((n) => readStat(Number(n))).filter((s): s is Stat => !!s);
}

/** A group of processes to account for: a process and everything below it, or that process alone. */
export interface ProcessGroup {
  label: string;
  pid: number | undefined;
  /** Count the process only, not its children (the load generator: its children are the system under test). */
  alone?: boolean;
}

/** CPU ms per process at one moment: each group's total (reaped children included) and each live pid's own time. */
export interface CpuSnapshot {
  groups: Map<string, number>;
  /** pid -> own CPU ms, for every process of every group (for breakdowns such as PostgreSQL's backends). */
  pids: Map<number, number>;
  /** pid -> group label. */
  members: Map<number, string>;
}

export function snapshotCpu(groups: ProcessGroup[]): CpuSnapshot {
  const stats = allStats();
  const children = new Map<number, Stat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  const snap: CpuSnapshot = { groups: new Map(), pids: new Map(), members: new Map() };
  for (const g of groups) {
    const root = g.pid === undefined ? undefined : byPid.get(g.pid);
    if (!root) continue;
    // Own time of every live member plus what the members reaped: a backend that exited during the phase still counts.
    let total = 0;
    const visit = (s: Stat) => {
      total += s.ownMs + (g.alone ? 0 : s.reapedMs);
      snap.pids.set(s.pid, s.ownMs);
      snap.members.set(s.pid, g.label);
      if (!g.alone) for (const c of children.get(s.pid) ?? []) visit(c);
    };
    visit(root);
    snap.groups.set(g.label, total);
  }
  return snap;
}

/** CPU ms each group used between two snapshots (groups missing from either are left out). */
export function cpuBetween(start: CpuSnapshot, end: CpuSnapshot): Map<string, number> {
  const out = new Map<string, number>();
  for (const [label, ms] of end.groups) {
    const before = start.groups.get(label);
    if (before !== undefined) out.set(label, Math.max(0, ms - before));
  }
  return out;
}

/** CPU ms each live pid of `group` used between two snapshots (new pids count from zero). */
export function pidCpuBetween(start: CpuSnapshot, end: CpuSnapshot, group: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const [pid, ms] of end.pids) if (end.members.get(pid) === group) out.set(pid, Math.max(0, ms - (start.pids.get(pid) ?? 0)));
  return out;
}

/** The live children of a process (e.g. the postmaster under the embedded PostgreSQL's runner). */
export function childPids(pid: number): number[] {
  return allStats().filter((s) => s.ppid === pid).map((s) => s.pid);
}
