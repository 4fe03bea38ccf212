import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import path from 'node:path';
import { CliError } from './cli-error.js';
import type { ContentTypeJson, ObjectJson } from './flotiq-client.js';

/**
 * flotiq-cli's export layout, learnt from its sources (docs/decisions/0013-cli.md):
 *   [Internal]ContentType<Name>/ContentTypeDefinition.json   the CTD without id and timestamps, 2-space JSON
 *   [Internal]ContentType<Name>/contentObject<Name>.json     one object per line, sorted by id (absent when empty)
 *   InternalContentTypeMedia/<id>.<extension>                 each media file
 * where <Name> is the type name in PascalCase with underscores removed (`_media` → `Media`, `blog_post` → `BlogPost`).
 */
export const CTD_FILE = 'ContentTypeDefinition.json';

export function pascalName(typeName: string): string {
  return typeName
    .split('_')
    .filter((part) => part !== '')
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

export const typeFolder = (t: Pick<ContentTypeJson, 'name' | 'internal'>) =>
  `${t.internal ? 'Internal' : ''}ContentType${pascalName(t.name)}`;
export const objectsFile = (typeName: string) => `contentObject${pascalName(typeName)}.json`;
export const mediaFileName = (m: ObjectJson) => `${m.id}.${String(m.extension)}`;

/** The CTD as an export keeps it: without the server's id and timestamps. */
export function exportedDefinition(t: ContentTypeJson): ContentTypeJson {
  const { id: _id, createdAt: _c, updatedAt: _u, deletedAt: _d, ...rest } = t;
  return rest as ContentTypeJson;
}

/** The part of `internal` an export keeps (flotiq-cli's `--with-internal`): publication status and timestamps. */
export function exportedObject(o: ObjectJson): ObjectJson {
  const i = o.internal ?? {};
  return {
    ...o,
    internal: {
      status: i.status,
      contentType: i.contentType,
      createdAt: i.createdAt,
      updatedAt: i.updatedAt,
      deletedAt: i.deletedAt,
    },
  };
}

/** One type of a folder: its definition, its objects, and for `_media` the folder its files are in. */
export interface FolderType {
  folder: string;
  definition: ContentTypeJson;
  objects: ObjectJson[];
}

export interface ExportFolder {
  types: FolderType[];
  /** Problems that make the folder unusable; an import refuses to start while there is any. */
  errors: string[];
  /** Relations to objects that are not in the folder (they may exist on the target). */
  warnings: string[];
}

/** Reads and checks a whole export folder; never throws for content problems, it lists them. */
export function readExportFolder(dir: string): ExportFolder {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(`${dir}: not a directory`);
  const errors: string[] = [];
  const types: FolderType[] = [];
  for (const folder of definitionFolders(dir)) {
    const rel = path.relative(dir, folder) || '.';
    const definition = parseJson(path.join(folder, CTD_FILE), errors) as ContentTypeJson | undefined;
    if (!definition) continue;
    if (typeof definition !== 'object' || typeof definition.name !== 'string' || !/^[_a-z]+$/.test(definition.name)) {
      errors.push(`${rel}/${CTD_FILE}: "name" must be a type name (a-z and _)`);
      continue;
    }
    for (const key of ['label', 'schemaDefinition', 'metaDefinition']) {
      if (!(key in definition)) errors.push(`${rel}/${CTD_FILE}: "${key}" is missing`);
    }
    const objects: ObjectJson[] = [];
    for (const file of readdirSync(folder)
      .filter((f) => /^contentObject.*\.json$/.test(f))
      .sort()) {
      readObjectLines(path.join(folder, file), `${rel}/${file}`, objects, errors);
    }
    types.push({ folder, definition, objects });
  }
  const seenTypes = new Map<string, string>();
  for (const t of types) {
    const other = seenTypes.get(t.definition.name);
    if (other) errors.push(`type ${t.definition.name} is defined twice (${other} and ${path.relative(dir, t.folder)})`);
    seenTypes.set(t.definition.name, path.relative(dir, t.folder));
    const ids = new Set<string>();
    for (const o of t.objects) {
      const key = o.id.toLowerCase(); // ids are case-insensitive on the API
      if (ids.has(key)) errors.push(`${t.definition.name}: object id ${o.id} appears twice`);
      ids.add(key);
      if (t.definition.name === '_media') {
        if (typeof o.extension !== 'string' || typeof o.url !== 'string')
          errors.push(`_media ${o.id}: "extension" and "url" are required`);
        else if (!existsSync(path.join(t.folder, mediaFileName(o))))
          errors.push(`_media ${o.id}: file ${mediaFileName(o)} is missing`);
      }
    }
  }
  return { types, errors, warnings: danglingRelations(types) };
}

/** Every folder under `dir` (any depth, as flotiq-cli globs) that holds a ContentTypeDefinition.json. */
function definitionFolders(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    const entries = readdirSync(d, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && e.name === CTD_FILE)) out.push(d);
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) walk(path.join(d, e.name));
  };
  walk(dir);
  return out.sort();
}

function parseJson(file: string, errors: string[]): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    errors.push(`${file}: ${(e as Error).message}`);
    return undefined;
  }
}

/** One JSON object per line (a line holding an array counts as its items, as flotiq-cli reads it). */
function readObjectLines(file: string, shown: string, into: ObjectJson[], errors: string[]): void {
  eachLine(file, (line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      errors.push(`${shown}:${i + 1}: ${(e as Error).message}`);
      return;
    }
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) errors.push(`${shown}:${i + 1}: not an object`);
      else if (typeof (item as ObjectJson).id !== 'string' || (item as ObjectJson).id === '')
        errors.push(`${shown}:${i + 1}: an object without an id cannot be imported without duplicates`);
      else into.push(item as ObjectJson);
    }
  });
}

/**
 * Calls `visit` with each line of a file (numbered from 0), reading it in chunks: an export of a million objects is
 * larger than the longest string V8 can hold.
 */
function eachLine(file: string, visit: (line: string, index: number) => void): void {
  const fd = openSync(file, 'r');
  try {
    const chunk = Buffer.alloc(4 * 1024 * 1024);
    const decoder = new StringDecoder('utf8');
    let rest = '';
    let index = 0;
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      const text = rest + (n > 0 ? decoder.write(chunk.subarray(0, n)) : decoder.end());
      const lines = text.split('\n');
      rest = n > 0 ? (lines.pop() ?? '') : '';
      for (const line of lines) visit(line, index++);
      if (n === 0) return;
    }
  } finally {
    closeSync(fd);
  }
}

/** `/api/v1/content/{type}/{id}` → [type, id]. */
export function parseDataUrl(dataUrl: string): [string, string] | undefined {
  const m = /^\/api\/v1\/content\/([^/]+)\/(.+)$/.exec(dataUrl);
  return m ? [m[1], m[2]] : undefined;
}

/** Calls `visit` on every relation item ({type:"internal", dataUrl}) anywhere in a value. */
export function forEachRelation(value: unknown, visit: (item: { type: string; dataUrl: string }) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) {
      if (isRelation(v)) visit(v);
      else forEachRelation(v, visit);
    }
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) forEachRelation(v, visit);
  }
}

export function isRelation(v: unknown): v is { type: string; dataUrl: string } {
  return (
    !!v &&
    typeof v === 'object' &&
    (v as { type?: unknown }).type === 'internal' &&
    typeof (v as { dataUrl?: unknown }).dataUrl === 'string'
  );
}

function danglingRelations(types: FolderType[]): string[] {
  const known = new Set(types.flatMap((t) => t.objects.map((o) => `${t.definition.name}/${o.id.toLowerCase()}`)));
  const out: string[] = [];
  for (const t of types) {
    for (const o of t.objects) {
      forEachRelation(o, (r) => {
        const target = parseDataUrl(r.dataUrl);
        if (!target || !known.has(`${target[0]}/${target[1].toLowerCase()}`))
          out.push(`${t.definition.name} ${o.id}: relation to ${r.dataUrl} is not in the folder`);
      });
    }
  }
  return out;
}
