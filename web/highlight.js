// Syntax highlighting for the page's output panel, small enough to need no library:
// JSON, YAML, HCL, the AWS config's INI and shell, one line at a time (every token the
// page's files use fits on a line). Builds elements, never HTML, so file content (which
// holds what users typed) is only ever text.

import { el } from './dom.js';

const STRING = String.raw`"(?:[^"\\]|\\.)*"|'[^']*'`;

// Each language: one regex whose named groups are the token classes.
const GRAMMARS = {
  json: new RegExp(String.raw`(?<key>"(?:[^"\\]|\\.)*")(?=\s*:)|(?<str>"(?:[^"\\]|\\.)*")|(?<lit>\b(?:true|false|null)\b)|(?<num>-?\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b)`, 'g'),
  yaml: new RegExp(String.raw`(?<com>(?:^|(?<=\s))#.*$)|(?<key>(?<=^\s*(?:-\s+)?)(?:${STRING}|[^\s#'":\-][^:#]*?|-(?!\s)[^:#]*?)(?=:(?:\s|$)))|(?<str>${STRING})|(?<lit>(?<=:\s|-\s)(?:true|false|null|~)$)|(?<num>(?<=:\s|-\s)-?\d+(?:\.\d+)?$)|(?<punct>(?<=^\s*)-(?=\s)|[|>][-+]?$)`, 'g'),
  hcl: new RegExp(String.raw`(?<com>(?:#|//).*$)|(?<str>"(?:[^"\\]|\\.)*")|(?<key>(?<=^\s*)[A-Za-z_][\w-]*(?=\s*=))|(?<kw>(?<=^\s*)[a-z_]+(?=\s+"|\s*\{))|(?<lit>\b(?:true|false|null)\b)|(?<num>\b\d+\b)`, 'g'),
  ini: new RegExp(String.raw`(?<com>(?<=^\s*)[#;].*$)|(?<kw>(?<=^\s*)\[[^\]]*\])|(?<key>(?<=^\s*)[\w.-]+(?=\s*=))`, 'g'),
  shell: new RegExp(String.raw`(?<com>(?:^|(?<=\s))#.*$)|(?<str>${STRING})|(?<var>\$\{[^}]*\}|\$\w+)|(?<flag>(?<=\s)--?[\w-]+)`, 'g'),
};

/** The grammar for a file: by extension, the AWS config by its name. */
export function languageOf(path) {
  if (/\.json$/.test(path)) return 'json';
  if (/\.ya?ml$/.test(path)) return 'yaml';
  if (/\.tf$/.test(path)) return 'hcl';
  if (/\.sh$/.test(path)) return 'shell';
  if (/(^|\/)config$/.test(path)) return 'ini';
  return null;
}

/** A line longer than this is shown plain: no file irsa writes has one, pasted text might. */
const LONGEST = 4000;

/** One line's tokens as text nodes and spans (class `t-<token>`). */
function line(text, grammar) {
  const parts = [];
  let at = 0;
  for (const m of grammar && text.length <= LONGEST ? text.matchAll(grammar) : []) {
    const [kind, token] = Object.entries(m.groups).find(([, v]) => v !== undefined) ?? [];
    if (!token) continue;
    if (m.index > at) parts.push(text.slice(at, m.index));
    parts.push(el('span', { class: `t-${kind}`, text: token }));
    at = m.index + token.length;
  }
  if (at < text.length) parts.push(text.slice(at));
  return el('span', { class: 'line' }, ...parts);
}

/** `content` as numbered, highlighted lines for a `<code>` element. */
export function highlighted(content, path) {
  const grammar = GRAMMARS[languageOf(path)];
  const lines = content.split('\n');
  const last = lines.pop(); // '' when the content ends with a line break
  const out = [];
  // A YAML block scalar (`key: |`): its lines, indented deeper than the key, are text.
  let block = null;
  const indent = (text) => text.length - text.trimStart().length;
  const each = (text) => {
    if (block !== null && (!text.trim() || indent(text) > block)) return line(text, null);
    block = grammar === GRAMMARS.yaml && /(?:^\s*-|:)\s+[|>][-+]?$/.test(text) ? indent(text) : null;
    return line(text, grammar);
  };
  for (const text of lines) out.push(each(text), '\n');
  if (last) out.push(each(last));
  return out;
}
