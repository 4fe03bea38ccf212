/**
 * Editor.js and its tools add their CSS as `<style>` elements in `<head>`, which the Panel's CSP (`style-src 'self'`)
 * refuses. While an editor is loaded, such elements are not inserted: their CSS becomes a constructed stylesheet
 * adopted by the document (made by our own script, which the CSP governs through `script-src`), and later changes of
 * their text follow. Other elements are inserted as usual. Installed once, by the editors' lazily loaded chunk.
 */
let installed = false;
const sheets = new Map<string, CSSStyleSheet>();

function adopt(style: HTMLStyleElement): void {
  const sheet = new CSSStyleSheet();
  const update = () => sheet.replaceSync(style.textContent ?? '');
  update();
  // the same stylesheet asked for twice (Editor.js core per instance, by id) is adopted once
  const key = style.id || style.textContent || '';
  if (key && sheets.has(key)) return;
  if (key) sheets.set(key, sheet);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  new MutationObserver(update).observe(style, { childList: true, characterData: true, subtree: true });
}

export function adoptInjectedStyles(): void {
  if (installed) return;
  installed = true;
  const head = document.head;
  const appendChild = head.appendChild.bind(head);
  const insertBefore = head.insertBefore.bind(head);
  const prepend = head.prepend.bind(head);
  const append = head.append.bind(head);
  const isStyle = (n: unknown): n is HTMLStyleElement => n instanceof HTMLStyleElement;
  head.appendChild = <T extends Node>(node: T): T => {
    if (isStyle(node)) adopt(node);
    else appendChild(node);
    return node;
  };
  head.insertBefore = <T extends Node>(node: T, child: Node | null): T => {
    if (isStyle(node)) adopt(node);
    else insertBefore(node, child);
    return node;
  };
  head.prepend = (...nodes: (Node | string)[]) => {
    nodes.filter(isStyle).forEach(adopt);
    prepend(...nodes.filter((n) => !isStyle(n)));
  };
  head.append = (...nodes: (Node | string)[]) => {
    nodes.filter(isStyle).forEach(adopt);
    append(...nodes.filter((n) => !isStyle(n)));
  };
}
