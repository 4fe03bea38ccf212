// @editorjs/embed ships types its package.json "exports" does not point at; the tool is used as any block tool is
declare module '@editorjs/embed' {
  import type { BlockToolConstructable } from '@editorjs/editorjs';
  const Embed: BlockToolConstructable;
  export default Embed;
}
