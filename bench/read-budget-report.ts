import os from 'node:os';

export interface Sample {
  url: string;
  status: number;
  ms: number;
  bytes: number;
}

export interface Phase {
  name: string;
  urls: string[];
  heavy: Sample[];
  oneRow: Sample[];
}

export interface DialectRun {
  dialect: string;
  version: string;
  seedSeconds: number;
  phases: Phase[];
  peakRss: number;
}

/** The bars (issue 9, acceptance of finding 12). */
const MAX_READ_MS = 2000;
const MAX_ONE_ROW_MS = 500;

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const ms = (v: number) => (Number.isNaN(v) ? '–' : Math.round(v).toLocaleString('en-US'));
const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
const statuses = (xs: Sample[]) => {
  const by = new Map<number, number>();
  for (const x of xs) by.set(x.status, (by.get(x.status) ?? 0) + 1);
  return [...by].map(([s, n]) => `${s}×${n}`).join(', ');
};

function phaseRows(p: Phase): string[] {
  const rows = p.urls.map((url) => {
    const xs = p.heavy.filter((x) => x.url === url);
    const times = xs.map((x) => x.ms);
    return `| \`${url}\` | ${xs.length} | ${statuses(xs)} | ${mb(Math.max(0, ...xs.map((x) => x.bytes)))} | ${ms(pct(times, 50))} | ${ms(pct(times, 99))} | ${ms(Math.max(...times))} |`;
  });
  const one = p.oneRow.map((x) => x.ms);
  rows.push(
    `| one-row \`${p.oneRow[0]?.url ?? '–'}\` during the above | ${one.length} | ${statuses(p.oneRow)} | ${mb(Math.max(0, ...p.oneRow.map((x) => x.bytes)))} | ${ms(pct(one, 50))} | ${ms(pct(one, 99))} | ${ms(Math.max(...one))} |`,
  );
  return rows;
}

function verdict(run: DialectRun): string[] {
  const all = run.phases.flatMap((p) => [...p.heavy, ...p.oneRow]);
  const slowest = Math.max(...all.map((x) => x.ms));
  const fivexx = all.filter((x) => x.status >= 500).length;
  const allowed = run.phases[0];
  const oneMax = Math.max(...allowed.oneRow.map((x) => x.ms));
  const met = (ok: boolean) => (ok ? '**met**' : '**not met**');
  return [
    `- no read takes more than ${MAX_READ_MS} ms: slowest ${ms(slowest)} ms — ${met(slowest <= MAX_READ_MS)}`,
    `- no read answers 5xx: ${fivexx} did — ${met(fivexx === 0)}`,
    `- a one-row request answers within ${MAX_ONE_ROW_MS} ms while ${allowed.name} run: slowest ${ms(oneMax)} ms — ${met(oneMax <= MAX_ONE_ROW_MS)}`,
  ];
}

export function renderReadBudgetReport(
  runs: DialectRun[],
  o: { seconds: number; clients: number; posts: number; fanout: number; date: Date },
): string {
  const cpu = os.cpus();
  const out = [
    `# Read budgets under load (finding 12) — ${o.date.toISOString().slice(0, 10)}`,
    '',
    `Machine: ${cpu.length} cores (${cpu[0]?.model ?? '?'}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, Node ${process.version}; 1-minute load average ${os.loadavg()[0].toFixed(2)} at the end. Started ${o.date.toISOString()}.`,
    '',
    `Data: ${o.posts.toLocaleString('en-US')} posts, each relating to ${o.fanout} others (seeded through the batch API). Server: \`createApp\` with the default settings (FLOTILLA_HYDRATE_MAX_OBJECTS=10000, FLOTILLA_RESPONSE_MAX_BYTES=4 MiB) in a child process; the clients run in the parent process on the same 2 cores, with the read-only key. Each phase: ${o.clients} clients send the listed reads in turn, back to back, for ${o.seconds} s, while one more client sends a one-row request every 20 ms (after the previous answer). The heaviest allowed limits were found by bisection against the running server (the largest \`limit\` that answers 200). Latencies are client-side, request sent to last byte read.`,
    '',
  ];
  for (const run of runs) {
    out.push(`## ${run.dialect} (${run.version})`, '');
    out.push(`Seeding: ${run.seedSeconds.toFixed(1)} s. Server RSS at the end: ${mb(run.peakRss)} MB.`, '');
    out.push(...verdict(run), '');
    for (const p of run.phases) {
      out.push(`### ${p.name}`, '');
      out.push('| read | requests | statuses | largest answer MB | p50 ms | p99 ms | max ms |', '|---|---|---|---|---|---|---|');
      out.push(...phaseRows(p), '');
    }
  }
  return out.join('\n');
}
