// Helpers shared by the page's custom elements.

/** `el('p', { class: 'msg', text: 'hi' }, child…)`: attributes, `text`, children. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v == null) continue;
    if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v === true ? '' : v);
  }
  node.append(...children);
  return node;
}

/**
 * Message text with its `quoted` values as <code> elements (the core and the form quote
 * user values in backticks); text with unpaired backticks stays as it is.
 */
export function withCode(text) {
  const parts = String(text).split('`');
  if (parts.length % 2 === 0) return [String(text)];
  return parts.map((part, i) => (i % 2 ? code(part) : part)).filter((p) => p !== '');
}

// Words short enough for any line stay whole, so `--profile` never breaks at its hyphens;
// longer ones (ARNs, issuers) may break anywhere rather than run past a phone's edge.
const WHOLE = 32;
function code(text) {
  return el('code', {}, ...text.split(/(\s+)/).filter((w) => w !== '')
    .map((w) => (w.length <= WHOLE && !/\s/.test(w) ? el('span', { class: 'word', text: w }) : w)));
}

/**
 * A loader for a wasm-bindgen module fetched only when first needed: the first call
 * imports and initialises it, every call returns the same promise of the module.
 */
export function onDemand(url) {
  let loaded = null;
  return () => {
    loaded ??= import(url).then(async (mod) => {
      await mod.default();
      return mod;
    });
    return loaded;
  };
}

/**
 * Copies `text`; the button that asked says `done` for a moment, where the eye is.
 * Resolves to false where the page may not write the clipboard.
 */
export async function copyText(text, button, done = 'Copied') {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    return false;
  }
  const label = button.dataset.label ?? button.textContent;
  button.dataset.label = label;
  button.textContent = done;
  clearTimeout(button.timer);
  button.timer = setTimeout(() => { button.textContent = label; }, 1500);
  return true;
}
