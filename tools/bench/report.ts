// The benchmark report: one row per figure, its baseline from the same run, the ratio and the target.

export interface Figure {
  id: string;
  label: string;
  value?: number;
  unit?: string;
  detail?: string;
  baseline?: { label: string; value: number; unit: string; p50Ms?: number; p99Ms?: number };
  ratio?: number;
  target?: string;
  /** Whether the target is met (informational: a benchmark never fails a build). */
  met?: boolean;
  /** Why the figure could not be measured in this run. */
  na?: string;
  raw?: unknown;
}

export interface Report {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  secondsPerPhase: number;
  machine: { cpus: number; cpuModel: string; memoryMb: number; node: string; loadAverageAtEnd: number[] };
  system: { kafka: string; postgres: string; limits?: string };
  chain: { users: number; stores: number; products: number; coupons: number };
  figures: Figure[];
}

const num = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? '-' : n >= 100 ? Math.round(n).toLocaleString('en-US') : String(n));

export function formatReport(r: Report): string {
  const rows: string[][] = [['figure', 'value', 'baseline (same run)', 'ratio', 'target', '']];
  for (const f of r.figures) {
    if (f.na) {
      rows.push([f.label, `n/a (${f.na})`, '', '', '', '']);
      continue;
    }
    const baseline = f.baseline
      ? `${num(f.baseline.value)} ${f.baseline.unit}${f.baseline.p50Ms !== undefined ? ` (p50 ${f.baseline.p50Ms} / p99 ${f.baseline.p99Ms} ms)` : ''} ${f.baseline.label}`
      : '';
    rows.push([f.label, `${num(f.value)} ${f.unit ?? ''}`.trim(), baseline, f.ratio === undefined ? '' : num(f.ratio), f.target ?? '', f.met === undefined ? '' : f.met ? 'met' : 'NOT met']);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.filter((row) => row.length > 2 && !row[1].startsWith('n/a')).map((row) => row[c].length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 1 && /^[\d,.-]/.test(cell) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  const out = [
    '',
    `benchmark ${r.quick ? '(quick) ' : ''}${r.startedAt}: ${r.machine.cpus} CPU ${r.machine.cpuModel}, node ${r.machine.node}, load average at the end ${r.machine.loadAverageAtEnd.join(' ')}`,
    ...(r.system.limits ? [`limits: ${r.system.limits}`] : []),
    `system: ${r.system.kafka}; ${r.system.postgres}; chain of ${r.chain.users} users, ${r.chain.stores} stores, ${r.chain.products} products, ${r.chain.coupons} coupons; ${r.secondsPerPhase} s per load phase`,
    '',
    line(rows[0]),
  ];
  for (const [i, row] of rows.slice(1).entries()) {
    out.push(row[1].startsWith('n/a') ? `${row[0].padEnd(widths[0])}  ${row[1]}` : line(row));
    const detail = r.figures[i].detail;
    if (detail) out.push(`${' '.repeat(widths[0] + 2)}${detail}`);
  }
  return out.join('\n');
}
