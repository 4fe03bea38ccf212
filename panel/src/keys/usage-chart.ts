import type { KeyUsage } from '../api/types.js';

/** The actions a chart shows, in stacking order, with their colours. */
export const ACTIONS = [
  { action: 'read', label: 'Read', color: '#2f6fed' },
  { action: 'preview', label: 'Preview', color: '#8e6bd8' },
  { action: 'create', label: 'Create', color: '#1f9d6b' },
  { action: 'update', label: 'Update', color: '#d08a1a' },
  { action: 'delete', label: 'Delete', color: '#c4312b' },
  { action: 'publish', label: 'Publish', color: '#5b6b82' },
] as const;

/** Per action, the requests of each day (all types together), for a stacked bar chart. */
export function seriesOf(usage: KeyUsage): {
  labels: string[];
  series: { action: string; label: string; color: string; data: number[] }[];
} {
  const labels = usage.days.map((d) => d.date.slice(5));
  const series = ACTIONS.map((a) => ({
    ...a,
    data: usage.days.map((d) => d.counts.filter((c) => c.action === a.action).reduce((n, c) => n + c.count, 0)),
  })).filter((s) => s.data.some((n) => n > 0));
  return { labels, series };
}

/** Totals per content type and action over the whole span, most used first ('*' is search and GraphQL). */
export function totalsOf(usage: KeyUsage): { ctdName: string; action: string; count: number }[] {
  const sums = new Map<string, { ctdName: string; action: string; count: number }>();
  for (const d of usage.days)
    for (const c of d.counts) {
      const k = `${c.ctdName}\u0000${c.action}`;
      const t = sums.get(k) ?? { ctdName: c.ctdName, action: c.action, count: 0 };
      t.count += c.count;
      sums.set(k, t);
    }
  return [...sums.values()].sort((a, b) => b.count - a.count || a.ctdName.localeCompare(b.ctdName));
}
