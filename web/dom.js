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
