// Share links: the form state in the URL fragment, read back defensively.

import { FIELDS, ROW_KEYS, WORKLOAD_KEYS } from './form-model.js';

export function encodeState(state) {
  const bytes = new TextEncoder().encode(JSON.stringify(state));
  // A character a byte, in chunks: spreading a large state into one call overflows the stack.
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
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
 * for check boxes), `targets` and `workloads` lists of rows of strings. Anything else is dropped and
 * named, so a crafted link shows an error instead of breaking the page.
 */
export function cleanState(raw) {
  const state = { targets: [], workloads: [] };
  const dropped = [];
  // Links from before workloads were rows carried one workload as fields.
  const LEGACY = { workloadKind: 'kind', workloadName: 'name', workloadServiceAccount: 'serviceAccount', container: 'container', workloadProfile: 'profile' };
  const legacy = {};
  for (const [key, value] of Object.entries(raw)) {
    const field = FIELDS.find((f) => f.key === key);
    if (key === 'targets' || key === 'workloads') continue;
    if (Object.hasOwn(LEGACY, key) && typeof value === 'string') legacy[LEGACY[key]] = value;
    else if (field && (field.checkbox ? typeof value === 'boolean' : typeof value === 'string')) state[key] = value;
    else dropped.push(key);
  }
  const rows = (name, keys) => {
    if (raw[name] !== undefined && !Array.isArray(raw[name])) dropped.push(name);
    for (const [i, row] of (Array.isArray(raw[name]) ? raw[name] : []).entries()) {
      const ok = row && typeof row === 'object' && keys.every((k) => ['string', 'undefined'].includes(typeof row[k]));
      if (ok) state[name].push(Object.fromEntries(keys.map((k) => [k, row[k] ?? ''])));
      else dropped.push(`${name}[${i}]`);
    }
  };
  rows('targets', ROW_KEYS);
  rows('workloads', WORKLOAD_KEYS);
  if (Object.keys(legacy).length) state.workloads.push(Object.fromEntries(WORKLOAD_KEYS.map((k) => [k, legacy[k] ?? ''])));
  return { state, dropped };
}
