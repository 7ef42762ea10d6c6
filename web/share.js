// Share links: the form state in the URL fragment, read back defensively.

import { FIELDS, ROW_KEYS } from './form-model.js';

export function encodeState(state) {
  const bytes = new TextEncoder().encode(JSON.stringify(state));
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function decodeState(text) {
  try {
    const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
    const state = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    return state && typeof state === 'object' ? state : null;
  } catch {
    return null;
  }
}

/**
 * A decoded share link, kept to what the form holds: each field a string (or a boolean
 * for check boxes), `targets` a list of rows of strings. Anything else is dropped and
 * named, so a crafted link shows an error instead of breaking the page.
 */
export function cleanState(raw) {
  const state = { targets: [] };
  const dropped = [];
  for (const [key, value] of Object.entries(raw)) {
    const field = FIELDS.find((f) => f.key === key);
    if (key === 'targets') continue;
    if (field && (field.checkbox ? typeof value === 'boolean' : typeof value === 'string')) state[key] = value;
    else dropped.push(key);
  }
  if (raw.targets !== undefined && !Array.isArray(raw.targets)) dropped.push('targets');
  for (const [i, row] of (Array.isArray(raw.targets) ? raw.targets : []).entries()) {
    const ok = row && typeof row === 'object' && ROW_KEYS.every((k) => ['string', 'undefined'].includes(typeof row[k]));
    if (ok) state.targets.push(Object.fromEntries(ROW_KEYS.map((k) => [k, row[k] ?? ''])));
    else dropped.push(`targets[${i}]`);
  }
  return { state, dropped };
}
