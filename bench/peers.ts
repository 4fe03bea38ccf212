import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sharedDir } from './dataset.js';

/** One peer's figure for one query, as published in shared/bench/README.md. */
export interface PeerFigure {
  peer: string;
  reqPerSec: number;
  p99Ms: number;
}

export interface Peers {
  source: string;
  /** query label (first column of the peers' tables) → figures of every peer that measured it */
  byLabel: Map<string, PeerFigure[]>;
  /** The line stating the target factor, if the README has one. */
  target: string | undefined;
}

/**
 * Reads the peers' tables: `| query | <Peer> REST | req/s | p99 ms |` header rows, then one row per query.
 * Missing file or rows simply leave the comparison column empty.
 */
export function loadPeers(): Peers {
  const source = path.join(sharedDir, 'bench/README.md');
  const byLabel = new Map<string, PeerFigure[]>();
  if (!existsSync(source)) return { source, byLabel, target: undefined };
  const text = readFileSync(source, 'utf8');
  let peer: string | undefined;
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 6) {
      peer = line.trim().startsWith('|') ? peer : undefined;
      continue;
    }
    const [, label, second, third, fourth] = cells;
    if (label === 'query' && /req\/s/.test(third)) {
      peer = second.replace(/\s*REST\s*$/, '');
      continue;
    }
    const rps = Number(third);
    const p99 = Number(fourth);
    if (!peer || !Number.isFinite(rps) || third === '') continue;
    const list = byLabel.get(label) ?? [];
    list.push({ peer, reqPerSec: rps, p99Ms: p99 });
    byLabel.set(label, list);
  }
  // the paragraph stating the goal, joined into one line
  const paragraph = text.split(/\n\s*\n/).find((p) => /^Our target/i.test(p.trim()));
  return { source, byLabel, target: paragraph?.replace(/\s*\n\s*/g, ' ').trim() };
}

/** The best (highest req/s) peer figure for a query label. */
export function bestPeer(peers: Peers, label: string): PeerFigure | undefined {
  const list = peers.byLabel.get(label);
  if (!list?.length) return undefined;
  return list.reduce((a, b) => (b.reqPerSec > a.reqPerSec ? b : a));
}
