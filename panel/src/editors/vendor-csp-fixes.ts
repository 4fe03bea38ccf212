import type { Plugin } from 'vite';

/**
 * @editorjs/image bundles an old webpack runtime whose global lookup tries `new Function("return this")()` inside a
 * try/catch. Under the Panel's CSP (no 'unsafe-eval') the call is refused and caught — it works — but Chromium
 * reports a violation each time the tool loads. The lookup is replaced by `globalThis` at build time; nothing else
 * of the package changes.
 */
export function editorVendorCspFixes(): Plugin {
  return {
    name: 'flotilla-editor-vendor-csp-fixes',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]@editorjs[\\/]image[\\/]/.test(id) || !code.includes('new Function("return this")()')) return null;
      return { code: code.replaceAll('new Function("return this")()', 'globalThis'), map: null };
    },
  };
}
