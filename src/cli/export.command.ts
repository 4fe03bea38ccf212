import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CliError } from './cli-error.js';
import { parseCommandArgs, required, type Command } from './command.js';
import { exportedDefinition, exportedObject, mediaFileName, objectsFile, typeFolder, CTD_FILE } from './export-format.js';
import { FlotiqClient, type ObjectJson } from './flotiq-client.js';
import { startProgress } from './progress.js';

const HELP = `Usage: flotilla export <dir> --url <server> --key <read key>

Writes every content type definition, every object and every media file of a running Flotilla (or Flotiq) into
<dir> in flotiq-cli's export format (the same folder \`flotiq export --with-internal\` writes):
  [Internal]ContentType<Name>/ContentTypeDefinition.json
  [Internal]ContentType<Name>/contentObject<Name>.json   one object per line, sorted by id
  InternalContentTypeMedia/<id>.<extension>
Internal types exported: _media, _tag, _webhooks, _plugin_settings. <dir> must be empty or absent.

Options:
  --url <url>     the server (e.g. http://localhost:3000); or FLOTIQ_API_URL
  --key <key>     an API key that may read every type; or FLOTIQ_API_KEY
  -h, --help      this help`;

export const exportCommand: Command = {
  name: 'export',
  summary: 'export a server into a folder in flotiq-cli format',
  help: HELP,
  async run(args) {
    const { values, positionals, help } = parseCommandArgs(
      'export',
      args,
      { url: { type: 'string' }, key: { type: 'string' } },
      { min: 1, max: 1 },
    );
    if (help) return void process.stdout.write(HELP + '\n');
    const client = new FlotiqClient(
      required('export', values.url, 'url', 'FLOTIQ_API_URL'),
      required('export', values.key, 'key', 'FLOTIQ_API_KEY'),
    );
    const stats = await exportTo(positionals[0], client);
    process.stdout.write(
      `Exported ${stats.types} content types, ${stats.objects} objects and ${stats.media} media files to ${positionals[0]}\n`,
    );
  },
};

export async function exportTo(dir: string, client: FlotiqClient): Promise<{ types: number; objects: number; media: number }> {
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new CliError(`export: ${dir} exists and is not empty`);
  mkdirSync(dir, { recursive: true });
  const types = await client.contentTypes();
  const counts = await Promise.all(types.map((t) => client.count(t.name)));
  const progress = startProgress(
    'objects',
    counts.reduce((a, b) => a + b, 0),
  );
  let objects = 0;
  const media: ObjectJson[] = [];
  try {
    for (const t of types) {
      const folder = path.join(dir, typeFolder(t));
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, CTD_FILE), JSON.stringify(exportedDefinition(t), null, 2) + '\n');
      const lines: [string, string][] = [];
      for await (const page of client.objectPages(t.name)) {
        for (const o of page) lines.push([o.id, JSON.stringify(exportedObject(o))]);
        if (t.name === '_media') media.push(...page);
        progress.increment(page.length);
      }
      objects += lines.length;
      if (lines.length === 0) continue;
      lines.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      writeFileSync(path.join(folder, objectsFile(t.name)), lines.map((l) => l[1]).join('\n') + '\n');
    }
  } finally {
    progress.stop();
  }
  if (media.length > 0) await downloadMedia(client, path.join(dir, typeFolder({ name: '_media', internal: true })), media);
  return { types: types.length, objects, media: media.length };
}

async function downloadMedia(client: FlotiqClient, folder: string, media: ObjectJson[]): Promise<void> {
  const progress = startProgress('media files', media.length);
  try {
    for (const m of media) {
      const res = await client.send('GET', String(m.url));
      if (!res.ok) throw new CliError(`export: media ${m.id}: GET ${String(m.url)} answered ${res.status}`);
      writeFileSync(path.join(folder, mediaFileName(m)), Buffer.from(await res.arrayBuffer()));
      progress.increment();
    }
  } finally {
    progress.stop();
  }
}
