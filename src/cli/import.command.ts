import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from './cli-error.js';
import { parseCommandArgs, required, type Command } from './command.js';
import { mediaFileName, readExportFolder, type ExportFolder, type FolderType } from './export-format.js';
import { FlotiqClient, type ObjectJson } from './flotiq-client.js';
import {
  chunks,
  finalObject,
  hasRelations,
  importOrder,
  loosenedDefinition,
  repointMedia,
  withoutRelations,
  type MediaReplacements,
} from './import-plan.js';
import { startProgress } from './progress.js';
import pLimit from 'p-limit';

const HELP = `Usage: flotilla import <dir> --url <server> --key <read-write key> [--dry-run]

Imports a folder in flotiq-cli's export format (from \`flotiq export\` or \`flotilla export\`) into a running
Flotilla (or Flotiq), keeping every object's id:
  1. content type definitions are created or updated, with relation constraints loosened
  2. media files are uploaded with their ids (a server that assigns its own ids gets the relations repointed)
  3. objects are written without their relations (batch upsert by id, 100 per request)
  4. objects with relations are written again in full; then _webhooks
  5. the definitions are restored as exported (constraints, featured images)
  6. objects exported as public in Draft & Public types are published where the target holds them as drafts
Every step writes by id, so running the same import again after an interruption finishes it without duplicates
(media ids assigned by the target are remembered in <dir>/.flotilla-import.json).

Options:
  --url <url>     the server (e.g. http://localhost:3000); or FLOTIQ_API_URL
  --key <key>     a read-write API key; or FLOTIQ_API_KEY
  --dry-run       check the whole folder and print what would be done; writes nothing
                  (with --url and --key, also asks the server which types exist)
  -h, --help      this help`;

const STATE_FILE = '.flotilla-import.json';
/** Batch requests in flight at once within a pass. */
const IN_FLIGHT = 4;

export const importCommand: Command = {
  name: 'import',
  summary: 'import a folder in flotiq-cli format into a server',
  help: HELP,
  async run(args) {
    const { values, positionals, help } = parseCommandArgs(
      'import',
      args,
      { url: { type: 'string' }, key: { type: 'string' }, 'dry-run': { type: 'boolean' } },
      { min: 1, max: 1 },
    );
    if (help) return void process.stdout.write(HELP + '\n');
    const dir = positionals[0];
    const folder = readExportFolder(dir);
    if (folder.errors.length > 0) {
      process.stderr.write(folder.errors.map((e) => `  ${e}\n`).join(''));
      throw new CliError(`import: ${dir} has ${folder.errors.length} problem(s); nothing was imported`);
    }
    const url = values.url ?? process.env.FLOTIQ_API_URL;
    const key = values.key ?? process.env.FLOTIQ_API_KEY;
    if (values['dry-run']) {
      const client = url && key ? new FlotiqClient(url, key) : undefined;
      return void process.stdout.write(await describePlan(dir, folder, client));
    }
    const client = new FlotiqClient(
      required('import', url, 'url', 'FLOTIQ_API_URL'),
      required('import', key, 'key', 'FLOTIQ_API_KEY'),
    );
    const stats = await importFolder(dir, folder, client);
    process.stdout.write(`Imported ${stats.types} content types, ${stats.objects} objects and ${stats.media} media files\n`);
  },
};

/** Runs every pass of an import of an already checked folder. */
export async function importFolder(dir: string, folder: ExportFolder, client: FlotiqClient) {
  for (const w of folder.warnings.slice(0, 20)) process.stderr.write(`warning: ${w}\n`);
  const ordered = importOrder(folder.types);
  const userTypes = ordered.filter((t) => !t.definition.internal);

  // 1. definitions, loosened
  for (const t of ordered.filter((x) => x.definition.internal)) {
    if (!(await client.contentType(t.definition.name)))
      throw new CliError(`import: the server has no internal type ${t.definition.name}`);
  }
  for (const t of userTypes) {
    const exists = await client.contentType(t.definition.name);
    const { body } = loosenedDefinition(t.definition);
    const name = encodeURIComponent(t.definition.name);
    if (exists) await client.json('PUT', `/api/v1/internal/contenttype/${name}`, body);
    else await client.json('POST', '/api/v1/internal/contenttype', body);
  }
  process.stderr.write(`pass 1: ${userTypes.length} content type definitions written\n`);

  // 2. media files
  const media = ordered.find((t) => t.definition.name === '_media');
  const replaced = media ? await uploadMedia(dir, media, client) : {};

  // 3. every object without its relations; 4. those with relations, in full; then webhooks
  const written = ordered.filter((t) => t.definition.name !== '_webhooks');
  // an object the target already holds (a resumed or repeated import) keeps its relations: stripping them only to
  // restore them in pass 4 would cost two versions and leave it without relations in between
  const present = await existingIds(client, written);
  await writeObjects(client, 'pass 3: objects', written, (t) =>
    t.objects
      .filter((o) => !(hasRelations(o) && present.has(`${t.definition.name}/${o.id}`)))
      .map((o) => finalObject(withoutRelations(o), t.definition.name, replaced)),
  );
  await writeObjects(client, 'pass 4: relations', written, (t) =>
    t.objects.filter(hasRelations).map((o) => finalObject(o, t.definition.name, replaced)),
  );
  const hooks = ordered.filter((t) => t.definition.name === '_webhooks');
  await writeObjects(client, 'webhooks', hooks, (t) => t.objects.map((o) => finalObject(o, t.definition.name, replaced)));

  // 5. definitions as exported
  for (const t of userTypes) {
    const body = repointMedia(t.definition, replaced);
    await client.json('PUT', `/api/v1/internal/contenttype/${encodeURIComponent(t.definition.name)}`, body);
  }
  process.stderr.write(`pass 5: ${userTypes.length} content type definitions restored\n`);

  // 6. publication
  const published = await publish(client, userTypes);
  if (published > 0) process.stderr.write(`pass 6: ${published} objects published\n`);
  return {
    types: userTypes.length,
    objects: ordered.reduce((n, t) => n + t.objects.length, 0),
    media: media?.objects.length ?? 0,
  };
}

/** `type/id` of every object with relations in the folder that the target already has. */
async function existingIds(client: FlotiqClient, types: FolderType[]): Promise<Set<string>> {
  const found = new Set<string>();
  const limit = pLimit(IN_FLIGHT);
  for (const t of types) {
    const name = encodeURIComponent(t.definition.name);
    const withRelations = t.objects.filter(hasRelations);
    if (withRelations.length === 0) continue;
    // a type the target holds nothing of (a first import) needs no look-ups
    const total = await client.json<{ total_count: number }>('GET', `/api/v1/content/${name}?limit=1`);
    if (total.total_count === 0) continue;
    await Promise.all(
      chunks(withRelations, 100).map((chunk) =>
        limit(async () => {
          const q = chunk.map((o) => `ids[]=${encodeURIComponent(o.id)}`).join('&');
          const page = await client.json<{ data: ObjectJson[] }>('GET', `/api/v1/content/${name}?limit=100&${q}`);
          for (const o of page.data) found.add(`${t.definition.name}/${o.id}`);
        }),
      ),
    );
  }
  return found;
}

async function writeObjects(
  client: FlotiqClient,
  label: string,
  types: FolderType[],
  select: (t: FolderType) => ObjectJson[],
): Promise<void> {
  const batches = types.map((t) => ({ name: t.definition.name, objects: select(t) }));
  const progress = startProgress(
    label,
    batches.reduce((n, b) => n + b.objects.length, 0),
  );
  // within a pass the batches are independent (pass 3 writes no relations, pass 4 only relations to objects that
  // exist by then), so a few are in flight at once: the client's JSON work overlaps the server's writing
  const limit = pLimit(IN_FLIGHT);
  try {
    for (const b of batches) {
      await Promise.all(
        chunks(b.objects, 100).map((chunk) =>
          limit(async () => {
            const url = `/api/v1/content/${encodeURIComponent(b.name)}/batch?updateExisting=true`;
            const res = await client.send('POST', url, chunk);
            const text = await res.text();
            if (!res.ok) throw new CliError(`import: ${b.name}: batch answered ${res.status}: ${describeBatchErrors(text)}`);
            progress.increment(chunk.length);
          }),
        ),
      );
    }
  } finally {
    progress.stop();
  }
}

function describeBatchErrors(text: string): string {
  try {
    const r = JSON.parse(text) as { errors?: { id?: string; data?: { id?: string }; errors?: unknown }[] };
    if (Array.isArray(r.errors) && r.errors.length > 0) {
      return r.errors
        .slice(0, 5)
        .map((e) => `${e.id ?? e.data?.id ?? '?'} ${JSON.stringify(e.errors ?? e)}`)
        .join('; ');
    }
  } catch {
    // not JSON: quote it
  }
  return text.slice(0, 500);
}

/**
 * Uploads each media file the target does not serve yet, asking to keep its id. A target that assigns its own id
 * (Flotiq) gets the pair remembered in the folder, so a resumed import does not upload that file again.
 */
async function uploadMedia(dir: string, media: FolderType, client: FlotiqClient): Promise<MediaReplacements> {
  const stateFile = path.join(dir, STATE_FILE);
  const replaced: MediaReplacements = existsSync(stateFile)
    ? (JSON.parse(readFileSync(stateFile, 'utf8')) as { media: MediaReplacements }).media
    : {};
  const progress = startProgress('pass 2: media files', media.objects.length);
  try {
    for (const m of media.objects) {
      const current = replaced[m.id] ?? { id: m.id, url: String(m.url) };
      const probe = await client.send('GET', current.url);
      await probe.arrayBuffer();
      if (probe.ok) {
        progress.increment();
        continue;
      }
      const form = new FormData();
      form.append('id', m.id);
      form.append('type', String(m.type ?? 'file'));
      const bytes = await readFile(path.join(media.folder, mediaFileName(m)));
      form.append(
        'file',
        new Blob([bytes], { type: String(m.mimeType ?? 'application/octet-stream') }),
        String(m.fileName ?? mediaFileName(m)),
      );
      const res = await client.send('POST', '/api/media', form);
      const text = await res.text();
      if (!res.ok) throw new CliError(`import: media ${m.id}: upload answered ${res.status}: ${text.slice(0, 500)}`);
      const stored = JSON.parse(text) as { id: string; url: string };
      if (stored.id !== m.id) {
        replaced[m.id] = { id: stored.id, url: stored.url };
        const tmp = `${stateFile}.tmp`;
        writeFileSync(tmp, JSON.stringify({ media: replaced }, null, 2));
        renameSync(tmp, stateFile);
      }
      progress.increment();
    }
  } finally {
    progress.stop();
  }
  return replaced;
}

/** Objects exported as public in Draft & Public types that the target holds as something else. */
async function publish(client: FlotiqClient, types: FolderType[]): Promise<number> {
  let n = 0;
  for (const t of types.filter((x) => x.definition.draftPublic === true)) {
    for (const o of t.objects.filter((x) => x.internal?.status === 'public')) {
      const path = `/api/v1/content/${encodeURIComponent(t.definition.name)}/${encodeURIComponent(o.id)}`;
      const now = await client.json<ObjectJson>('GET', path);
      if (now.internal?.status === 'public') continue;
      await client.json('POST', `${path}/publish`);
      n++;
    }
  }
  return n;
}

/** What an import of this folder would do, for --dry-run. */
async function describePlan(dir: string, folder: ExportFolder, client: FlotiqClient | undefined): Promise<string> {
  const ordered = importOrder(folder.types);
  const lines = [`Dry run: ${dir} is a valid export folder (nothing was written).`, '', 'Content types:'];
  for (const t of ordered) {
    const name = t.definition.name;
    let action = t.definition.internal ? 'internal (objects only)' : 'create or update';
    if (client && !t.definition.internal) action = (await client.contentType(name)) ? 'update' : 'create';
    const loosened =
      !t.definition.internal && loosenedDefinition(t.definition).loosened ? ', relation constraints loosened then restored' : '';
    const withRel = t.objects.filter(hasRelations).length;
    lines.push(`  ${name}: ${action}${loosened}; ${t.objects.length} objects (${withRel} with relations)`);
  }
  const media = folder.types.find((t) => t.definition.name === '_media');
  const total = folder.types.reduce((n, t) => n + t.objects.length, 0);
  const relational = folder.types.reduce((n, t) => n + t.objects.filter(hasRelations).length, 0);
  lines.push(
    '',
    'Passes:',
    `  1. write ${folder.types.filter((t) => !t.definition.internal).length} content type definitions`,
    `  2. upload ${media?.objects.length ?? 0} media files with their ids (skipping those the server already serves)`,
    `  3. upsert ${total} objects without relations`,
    `  4. upsert ${relational} objects with their relations`,
    '  5. restore the definitions as exported',
    `  6. publish ${folder.types.filter((t) => t.definition.draftPublic).reduce((n, t) => n + t.objects.filter((o) => o.internal?.status === 'public').length, 0)} public objects of Draft & Public types where needed`,
  );
  if (folder.warnings.length > 0)
    lines.push('', `Warnings (${folder.warnings.length}):`, ...folder.warnings.slice(0, 50).map((w) => `  ${w}`));
  return lines.join('\n') + '\n';
}
