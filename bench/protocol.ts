import type { Profiled, ServerInfo, ServerStartOptions } from './app-server.js';

/** Messages between bench/run.ts and bench/server-child.ts over the fork() IPC channel. */
export type ChildCommand =
  | { id: number; cmd: 'start'; opts: ServerStartOptions }
  | { id: number; cmd: 'bare'; status: number; contentType: string; bodyBase64: string }
  | { id: number; cmd: 'rss' }
  | { id: number; cmd: 'logs' }
  | { id: number; cmd: 'profile-start' }
  | { id: number; cmd: 'profile-stop' }
  | { id: number; cmd: 'stop' };

export type ChildReply =
  | { id: number; ok: true; info?: ServerInfo; rss?: number; memory?: NodeJS.MemoryUsage; logs?: string[]; profiled?: Profiled }
  | { id: number; ok: false; error: string };
