// Child-process entry: runs Flotilla and the bare route in their own process, driven by bench/run.ts over IPC.
// Forked compiled (bench/tsconfig.child.json), or with the parent's execArgv (tsx's loader) under BENCH_SOURCE=ts.
import { startServerPair, type ServerPair } from './app-server.js';
import type { ChildCommand, ChildReply } from './protocol.js';

let pair: ServerPair | undefined;

function reply(msg: ChildReply): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(msg, undefined, undefined, () => resolve());
  });
}

async function handle(m: ChildCommand): Promise<void> {
  try {
    switch (m.cmd) {
      case 'start':
        if (pair) throw new Error('already started');
        pair = await startServerPair(m.opts);
        return reply({ id: m.id, ok: true, info: pair.info });
      case 'bare':
        if (!pair) throw new Error('not started');
        pair.setBare({ status: m.status, contentType: m.contentType, body: Buffer.from(m.bodyBase64, 'base64') });
        return reply({ id: m.id, ok: true });
      case 'rss':
        return reply({ id: m.id, ok: true, rss: process.memoryUsage().rss, memory: process.memoryUsage() });
      case 'logs':
        return reply({ id: m.id, ok: true, logs: pair?.recentLogs() ?? [] });
      case 'profile-start':
        if (!pair) throw new Error('not started');
        await pair.profileStart();
        return reply({ id: m.id, ok: true });
      case 'profile-stop':
        if (!pair) throw new Error('not started');
        return reply({ id: m.id, ok: true, profiled: await pair.profileStop() });
      case 'stop':
        await pair?.close();
        pair = undefined;
        await reply({ id: m.id, ok: true });
        process.exit(0);
    }
  } catch (e) {
    await reply({ id: m.id, ok: false, error: (e as Error).stack ?? String(e) });
  }
}

process.on('message', (m: ChildCommand) => void handle(m));
// the parent went away (crash, kill): do not linger
process.on('disconnect', () => {
  void (pair?.close() ?? Promise.resolve()).finally(() => process.exit(1));
});
