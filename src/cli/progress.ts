import cliProgress from 'cli-progress';

/** Counts of one long step: a bar with counts, rate and ETA on a terminal, plain lines every few seconds otherwise. */
export interface Progress {
  increment(n?: number): void;
  stop(): void;
}

const LINE_EVERY_MS = 2000;

/** Starts the progress of `label` over `total` items, written to stderr (stdout stays for results). */
export function startProgress(label: string, total: number, out: NodeJS.WriteStream = process.stderr): Progress {
  return out.isTTY ? barProgress(label, total, out) : lineProgress(label, total, out);
}

function barProgress(label: string, total: number, out: NodeJS.WriteStream): Progress {
  const started = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      stream: out,
      format: `${label} [{bar}] {value}/{total} | {rate}/s | ETA {eta_formatted}`,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let value = 0;
  bar.start(total, 0, { rate: '0' });
  return {
    increment(n = 1) {
      value += n;
      bar.update(value, { rate: rate(value, started) });
    },
    stop() {
      bar.update(value, { rate: rate(value, started) });
      bar.stop();
    },
  };
}

function lineProgress(label: string, total: number, out: NodeJS.WriteStream): Progress {
  const started = Date.now();
  let value = 0;
  let lastLine = 0;
  const line = () => {
    const perSecond = value / Math.max((Date.now() - started) / 1000, 0.001);
    const eta = perSecond > 0 && value < total ? ` ETA ${Math.ceil((total - value) / perSecond)}s` : '';
    out.write(`${label}: ${value}/${total} (${rate(value, started)}/s${eta})\n`);
    lastLine = Date.now();
  };
  return {
    increment(n = 1) {
      value += n;
      if (Date.now() - lastLine >= LINE_EVERY_MS) line();
    },
    stop() {
      line();
    },
  };
}

function rate(value: number, started: number): string {
  const perSecond = value / Math.max((Date.now() - started) / 1000, 0.001);
  return perSecond >= 100 ? String(Math.round(perSecond)) : perSecond.toFixed(1);
}
