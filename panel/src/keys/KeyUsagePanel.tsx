import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/errors.js';
import { keysApi } from '../api/keys.js';
import type { ApiKey, KeyUsage } from '../api/types.js';
import { seriesOf, totalsOf } from './usage-chart.js';

type Suggestion = KeyUsage['suggestions'][number];

interface Props {
  apiKey: ApiKey;
  /** Applies a suggestion to a user-defined key (narrows its rule); absent for application keys. */
  onApply?: (s: Suggestion) => Promise<void>;
  /** For an application key: creates a user-defined key reading these types. */
  onCreateReadKey?: (types: string[]) => Promise<void>;
  /** Why applying is not possible now (unsaved changes), if it is not. */
  applyBlocked?: string;
}

/** A stacked bar chart of the last 30 days (Chart.js, loaded only when a usage panel opens). */
function UsageChart({ usage }: { usage: KeyUsage }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let chart: { destroy(): void } | undefined;
    let gone = false;
    void import('chart.js').then(({ Chart, BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip }) => {
      if (gone || !canvas.current) return;
      Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);
      const { labels, series } = seriesOf(usage);
      chart = new Chart(canvas.current, {
        type: 'bar',
        data: {
          labels,
          datasets: series.map((s) => ({ label: s.label, data: s.data, backgroundColor: s.color, stack: 'requests' })),
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          scales: {
            x: { stacked: true, ticks: { maxRotation: 0, autoSkipPadding: 8 } },
            y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
          },
          plugins: { legend: { position: 'bottom' } },
        },
      });
    });
    return () => {
      gone = true;
      chart?.destroy();
    };
  }, [usage]);
  const total = totalsOf(usage).reduce((n, t) => n + t.count, 0);
  return (
    <div className="usage-chart">
      <canvas ref={canvas} role="img" aria-label={`Requests per day over the last ${usage.days.length} days: ${total} in all`} />
    </div>
  );
}

/** A key's use over the last 30 days, and the suggestions that follow from it. */
export function KeyUsagePanel({ apiKey, onApply, onCreateReadKey, applyBlocked }: Props) {
  const [open, setOpen] = useState(false);
  const [usage, setUsage] = useState<KeyUsage | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const load = () =>
    keysApi.usage(apiKey.id, 30).then(
      (u) => {
        setUsage(u);
        setError(undefined);
      },
      (e: unknown) => setError(errorMessage(e)),
    );
  useEffect(() => {
    if (open) void load();
    // reload when the key's rules change (an applied suggestion) or the panel opens
  }, [open, apiKey.id, apiKey.updatedAt]);

  const act = async (fn: () => Promise<void>) => {
    setBusy(true);
    try {
      await fn();
      await load();
    } finally {
      setBusy(false);
    }
  };

  const totals = usage ? totalsOf(usage) : [];
  return (
    <details className="key-usage" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>Usage</summary>
      {error ? (
        <p className="muted">The usage could not be loaded: {error}</p>
      ) : !usage ? (
        open && <p className="muted">Loading…</p>
      ) : (
        <>
          <UsageChart usage={usage} />
          {totals.length === 0 ? (
            <p className="muted">No requests in the last 30 days.</p>
          ) : (
            <p className="usage-totals">
              {totals.map((t) => `${t.action} ${t.ctdName === '*' ? '(search, GraphQL)' : t.ctdName}: ${t.count}`).join(' · ')}
            </p>
          )}
          <h5 className="usage-title">Suggestions</h5>
          {usage.suggestions.length === 0 ? (
            <p className="muted">
              {apiKey.kind === 'user-defined'
                ? 'None: every grant was used in the last 30 days, or the key is younger than that.'
                : 'None: an application key only a site reads with, day after day, is told which read key could replace it.'}
            </p>
          ) : (
            <ul className="suggestions" aria-label="Suggestions">
              {usage.suggestions.map((s) => (
                <li key={`${s.ctdName} ${s.grant}`}>
                  <span>{s.reason}</span>
                  {onApply && (
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={busy || Boolean(applyBlocked)}
                      title={applyBlocked}
                      onClick={() => void act(() => onApply(s))}
                    >
                      Remove this grant
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
          {onCreateReadKey && usage.suggestions.length > 0 && (
            <button
              type="button"
              className="btn btn-small"
              disabled={busy}
              onClick={() => void act(() => onCreateReadKey([...new Set(usage.suggestions.map((s) => s.ctdName))]))}
            >
              Create a read key for these types
            </button>
          )}
        </>
      )}
    </details>
  );
}
