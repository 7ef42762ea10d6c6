// <irsa-generator>: the whole IRSA generator as one custom element. Everything is computed
// in the browser by the irsa wasm module; nothing typed here is sent anywhere.
//
// Attributes (all optional) preset the form or hide parts of it:
//   account, cluster (issuers, comma or newline separated), service-account, pod-role,
//   assume ("deploy=arn:aws:iam::444455556666:role/deploy, audit=audit-role")
//   lock="account cluster service-account pod-role"   (preset values the user cannot change)
//   hide="advanced diagram roles targets workloads theme share header"   share (keep the state in the URL fragment)
// Theming: the CSS custom properties of irsa-generator.css (--bg, --fg, --muted, --line,
// --soft, --accent, --accent-fg, --error, --warning, --code) set on the element.

import init, { commands, diagramVertical, generate, schema, toYaml, version } from './pkg/irsa_wasm.js';
import { compiled } from './generator-wasm.js';
import { copyText, el, onDemand, withCode } from './dom.js';
import {
  ADVANCED, BASICS, FIELDS, PERMISSIONS, ROW_KEYS, WORKLOAD_KEYS, controlOf, fieldProblems, issuerFix, linePrefix, optionsOf, placeholderOf, rowBoxOf, specOf,
  stateOf, targetProblems, useSchema, workloadChoices,
} from './form-model.js';
import { PRESETS, presetContext, withPreset } from './presets.js';
import { tarOf } from './tar.js';
import { highlighted } from './highlight.js';
import { cleanState, decodeState, encodeState } from './share.js';

export { specOf, stateOf, targetProblems, tarOf, cleanState };

const wasmReady = compiled.then((module) => init({ module_or_path: module }));

/** The YAML reader (its own wasm module, large), loaded the first time an import starts. */
const loadYamlReader = onDemand(new URL('./pkg-yaml/irsa_yaml.js', import.meta.url).href);
/** The SDK-role table's module, loaded once a workload is wired. */
const loadRoles = onDemand(new URL('./pkg-roles/irsa_roles.js', import.meta.url).href);
const STYLESHEET = new URL('./irsa-generator.css', import.meta.url).href;
const THEME_KEY = 'irsa-theme';
/** How long typing must pause before the share link in the URL is rewritten. */
const URL_DELAY_MS = 300;
// Where a page left with its link unwritten keeps it for its own reload (sessionStorage),
// for a few seconds: a reload is at once.
const RELOAD_KEY = 'irsa-generator:reload';
const RELOAD_WITHIN_MS = 10_000;
/** How long typing must pause before the per-container SDK tables are redrawn. */
const ROLES_DELAY_MS = 150;

function saveFile(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

let instances = 0;

// The output's tabs, one per tool, in the order a platform team reaches for them; each
// file belongs to one by its kind (a kind no tool lists falls in the last).
const TOOLS = [
  { id: 'iam', label: 'IAM', kinds: ['trust-policy', 'permissions-policy'] },
  { id: 'kubernetes', label: 'Kubernetes', kinds: ['service-account', 'config-map', 'workload-patch'] },
  { id: 'aws-config', label: 'AWS config', kinds: ['aws-config'] },
  { id: 'terraform', label: 'Terraform', kinds: ['terraform'] },
  { id: 'cloudformation', label: 'CloudFormation', kinds: ['cloudformation'] },
  { id: 'eksctl', label: 'eksctl', kinds: ['eksctl'] },
  { id: 'cli', label: 'Scripts', kinds: ['aws-cli', 'pod-identity', 'commands'] },
  { id: 'spec', label: 'irsa.yaml', kinds: ['spec'] },
];
const toolOf = (kind) => TOOLS.find((t) => t.kinds.includes(kind)) ?? TOOLS[TOOLS.length - 1];
/** Panes at least this wide draw the chain left to right; it shrinks, then scrolls. */
const ACROSS_MIN_WIDTH = 640;
/** The narrowest a drawing may be shrunk to: 85% of its size, where its 10 px captions
 * stop being readable, and a left-to-right one never under ACROSS_MIN_WIDTH. */
const minWidthOf = (natural, across) => (across ? Math.min(natural, Math.max(ACROSS_MIN_WIDTH, Math.round(natural * 0.85))) : Math.round(natural * 0.85));
/** Whether the chain is drawn left to right in `width`: in any pane wide enough (it
 * scrolls there rather than growing tall), and where it fits whole; top to bottom on
 * phones and in narrow panes. */
const across = (svg, width) => width >= ACROSS_MIN_WIDTH || Number(/width="(\d+)"/.exec(svg)?.[1] ?? 0) <= width;
/** An output file whose content is computed on first read. */
const computed = (path, kind, compute) => {
  let content;
  return { path, kind, get content() { return (content ??= compute()); } };
};
/** A file's name within its tool: its path without the tool's directory. */
const shortName = (path) => (path.includes('/') ? path.slice(path.indexOf('/') + 1) : path);

const emptyRow = () => Object.fromEntries(ROW_KEYS.map((k) => [k, '']));

export class IrsaGenerator extends HTMLElement {
  constructor() {
    super();
    this.id_ = `irsa${instances++}`;
    this.state = { targets: [] };
    this.bundle = null;
    this.spec = {};
    this.timings = [];
    this.selected = null;
    this.userSelected = false;
    this.lastInTool = {};
    this.touched = new Set();
    this.attachShadow({ mode: 'open' });
  }

  async connectedCallback() {
    // Leaving the page or its tab right after typing still writes the latest link.
    if (this.hasAttribute('share') && !this.leaving) {
      this.leaving = () => this.writeUrl(true);
      addEventListener('pagehide', this.leaving);
      document.addEventListener('visibilitychange', this.leaving);
    }
    if (this.built) return;
    this.built = true;
    this.state = this.initialState();
    // The form is built while the wasm compiles; the core's defaults and choices fill it
    // in once the core is here.
    this.build();
    try {
      await wasmReady;
    } catch (e) {
      this.root.prepend(el('p', { class: 'diag error', role: 'alert', text: `The generator could not start: its wasm did not load (${e.message}).` }));
      return;
    }
    performance.mark('irsa-wasm-ready');
    useSchema(schema());
    this.showSchema();
    this.ready = true;
    this.root.querySelector('.version').textContent = `irsa ${version()}`;
    this.update();
    this.root.querySelector('.advanced').open = ADVANCED.some((f) => this.state[f.key]);
    performance.mark('irsa-first-output');
    // On screen once the next frame is painted: a task queued from that frame's
    // animation callback runs after its layout and paint.
    requestAnimationFrame(() => setTimeout(() => performance.mark('irsa-first-output-painted')));
    this.dispatchEvent(new CustomEvent('irsa-ready', { bubbles: true, composed: true }));
  }

  /** The core's defaults as placeholders, its partitions and workload kinds as choices. */
  showSchema() {
    for (const f of FIELDS) {
      const control = this.form.elements[f.key];
      if (f.default) control.placeholder = placeholderOf(f);
      if (f.options) {
        control.replaceChildren(...optionsOf(f).map((o) => el('option', { value: o, text: o || '(default)' })));
        control.value = this.state[f.key] ?? '';
      }
    }
    this.renderWorkloads();
  }

  hidden(part) {
    return (this.getAttribute('hide') ?? '').split(/[\s,]+/).includes(part);
  }

  /** The form keys `lock` names (by their attribute names): values the platform fixes. */
  locked() {
    const keys = { account: 'account', cluster: 'cluster', 'service-account': 'serviceAccount', 'pod-role': 'role' };
    return (this.getAttribute('lock') ?? '').split(/[\s,]+/).map((a) => keys[a]).filter(Boolean);
  }

  /** `state` with the locked fields at their attributes' values (a link or an import cannot move them). */
  withLocks(state) {
    const preset = this.presetState();
    for (const key of this.locked()) state[key] = preset[key];
    return state;
  }

  initialState() {
    const hash = this.hasAttribute('share') ? (this.reloadedHash() ?? location.hash) : '';
    if (hash.startsWith('#spec=')) {
      const raw = decodeState(hash.slice('#spec='.length));
      const { state, dropped } = raw ? cleanState(raw) : { state: null, dropped: ['the whole link'] };
      this.linkProblems = dropped;
      if (state) return this.withLocks(state);
    }
    return this.presetState();
  }

  presetState() {
    const list = (v) => (v ?? '').split(/[\n,]+/).map((s) => s.trim()).filter(Boolean).join('\n');
    return {
      account: this.getAttribute('account') ?? '',
      cluster: list(this.getAttribute('cluster')),
      serviceAccount: list(this.getAttribute('service-account')),
      role: this.getAttribute('pod-role') ?? '',
      targets: (this.getAttribute('assume') ?? '').split(/[\n,]+/).map((s) => s.trim()).filter(Boolean).map((pair) => {
        const [profile, ...role] = pair.split('=');
        return { ...emptyRow(), profile, role: role.join('=') };
      }),
      workloads: [],
    };
  }

  build() {
    const theme = localStorage.getItem(THEME_KEY);
    if (theme) this.applyTheme(theme);
    const root = el('div', { class: 'irsa' });
    this.root = root;
    this.shadowRoot.append(el('link', { rel: 'stylesheet', href: STYLESHEET }), root);

    const header = el('header', { hidden: this.hidden('header') },
      el('span', { class: 'version' }),
      el('span', { class: 'header-tools' },
        el('span', { class: 'reset-note', role: 'status' }),
        el('button', { type: 'button', class: 'reset', text: 'Reset' }),
        el('button', { type: 'button', class: 'clear', text: 'Clear' }),
        el('button', { type: 'button', class: 'theme', hidden: this.hidden('theme'), text: 'Theme' })));
    const form = el('form', { novalidate: true, autocomplete: 'off' });
    this.form = form;
    form.addEventListener('submit', (e) => e.preventDefault());
    const basics = el('fieldset', { class: 'basics' }, el('legend', { text: 'Cluster, service accounts and pod role' }));
    for (const f of BASICS) basics.append(this.field(f));
    const permissions = el('fieldset', { class: 'permissions' }, el('legend', { text: 'What can the pod do?' }));
    // The statements, the preset picker that writes them, then the managed policies.
    const [statements, ...others] = PERMISSIONS;
    permissions.append(this.field(statements), this.builder('the pod role', () => this.form.elements.statements, () => this.state.role),
      ...others.map((f) => this.field(f)));
    const targets = el('fieldset', { class: 'targets', hidden: this.hidden('targets') },
      el('legend', { text: 'Roles to chain into (AWS profiles)' }),
      el('p', { class: 'help' }, ...withCode('Each profile assumes its role with the pod role\'s credentials: `aws --profile NAME …`')),
      el('div', { class: 'rows' }),
      el('p', { class: 'msg', id: `${this.id_}-msg-targets`, role: 'status' }),
      el('button', { type: 'button', class: 'add', text: 'Add profile' }));
    const workloads = el('fieldset', { class: 'workloads', hidden: this.hidden('workloads') },
      el('legend', { text: 'Workloads to wire (optional)' }),
      el('p', { class: 'help', text: 'Sets the pod\'s service account and, with profiles, mounts the AWS config: one row per container. A container acting as a profile gets that role in every AWS SDK but Java v1.' }),
      el('div', { class: 'rows' }),
      // What the rows' profile and service-account boxes suggest (kept by showChoices).
      el('datalist', { id: `${this.id_}-profiles` }),
      el('datalist', { id: `${this.id_}-service-accounts` }),
      el('button', { type: 'button', class: 'add', text: 'Add workload' }));
    const advanced = el('details', { class: 'advanced', hidden: this.hidden('advanced') }, el('summary', { text: 'Advanced settings' }));
    const grid = el('div', { class: 'grid' });
    for (const f of ADVANCED) grid.append(this.field(f));
    advanced.append(grid);
    form.append(basics, permissions, targets, workloads, advanced);

    const general = el('div', { class: 'general', role: 'status', 'aria-live': 'polite' });
    const diagram = el('figure', { class: 'diagram', hidden: this.hidden('diagram'), 'aria-label': 'The chain', tabindex: '0' });
    const sdkRoles = el('section', { class: 'sdk-roles', hidden: true, 'aria-labelledby': `${this.id_}-sdk-title` },
      el('h2', { id: `${this.id_}-sdk-title`, text: 'Which role does my code get?' }),
      el('p', { class: 'help', text: 'Per container and AWS SDK, once the EKS webhook has mutated the pod. A hand-set AWS_PROFILE is not enough for Go, Java, .NET and Ruby: give the container a profile instead.' }),
      el('div', { class: 'sdk-tables' }));
    const tools = el('div', { class: 'tools' },
      el('button', { type: 'button', class: 'download-all', text: 'Download all (.tar)' }),
      el('button', { type: 'button', class: 'copy-yaml', text: 'Copy as irsa.yaml' }),
      el('button', { type: 'button', class: 'import', 'aria-expanded': 'false', text: 'Import irsa.yaml' }),
      el('button', { type: 'button', class: 'copy-link', hidden: !this.hasAttribute('share') || this.hidden('share'), text: 'Copy share link' }),
      el('span', { class: 'notice', role: 'status', 'aria-live': 'polite' }));
    const toolTabs = el('div', { class: 'tool-tabs', role: 'tablist', 'aria-label': 'Tools' });
    const tabs = el('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Files' });
    const panel = el('div', { class: 'panel', role: 'tabpanel', id: `${this.id_}-panel` },
      el('div', { class: 'panel-tools' },
        el('span', { class: 'what' }),
        el('button', { type: 'button', class: 'wrap', 'aria-pressed': 'false', text: 'Wrap' }),
        el('button', { type: 'button', class: 'copy', text: 'Copy' }),
        el('button', { type: 'button', class: 'download', text: 'Download' })),
      // The scrolling part takes the focus, so keyboards can scroll it.
      el('pre', { tabindex: '0', 'aria-label': 'Content' }, el('code')));
    const importer = el('section', { class: 'importer', hidden: true, 'aria-label': 'Import irsa.yaml' },
      el('textarea', { name: 'import', rows: '8', spellcheck: 'false', 'aria-label': 'irsa.yaml (YAML or JSON)', placeholder: 'account: "111122223333"\ncluster: https://oidc.eks…\nserviceAccount: payments/api\nrole: payments-api' }),
      el('div', { class: 'panel-tools' },
        el('input', { type: 'file', class: 'import-file', accept: '.yaml,.yml,.json', 'aria-label': 'Read a spec file' }),
        el('button', { type: 'button', class: 'import-apply', text: 'Fill the form' })),
      el('p', { class: 'msg import-msg', role: 'status' }));
    const stale = el('p', { class: 'stale-note', role: 'status' });
    const files = el('div', { class: 'files', role: 'tabpanel', id: `${this.id_}-files` }, tabs, panel);
    const output = el('section', { class: 'output', 'aria-label': 'Generated artifacts' }, tools, importer, stale, toolTabs, files);
    // Wide: the form on the left, the chain and the artifacts on the right (CSS).
    const right = el('div', { class: 'right' }, diagram, output);
    // The figure's width picks the chain's direction: observed (its first report comes
    // before the first paint), so no update reads layout. A hidden figure reports 0 and
    // keeps the width it had.
    this.figureWidth = Infinity;
    new ResizeObserver(([entry]) => {
      if (!entry.contentRect.width) return;
      this.figureWidth = entry.contentRect.width;
      if (this.ready) this.showDiagram();
      this.tabStop(diagram);
    }).observe(diagram);
    root.append(header, form, general, right, sdkRoles);

    this.renderTargets();
    this.renderWorkloads();
    form.addEventListener('input', (e) => {
      if (e.target.closest('.builder')) return; // the preset builder changes nothing until Add
      this.touched.add(e.target.name || e.target.dataset.target || e.target.dataset.workload);
      // Typed while the core loads: the first render then writes the link too.
      if (!this.ready) this.typedEarly = true;
      this.update();
    });
    targets.querySelector('.add').addEventListener('click', () => {
      this.readForm();
      this.state.targets.push(emptyRow());
      this.renderTargets();
      this.update();
      targets.querySelector('.rows .row:last-child input')?.focus();
    });
    workloads.querySelector('.add').addEventListener('click', () => {
      this.readForm();
      this.state.workloads.push(Object.fromEntries(WORKLOAD_KEYS.map((k) => [k, ''])));
      this.renderWorkloads();
      workloads.querySelector('.rows .row:last-child select')?.focus();
    });
    root.querySelector('.theme').addEventListener('click', () => this.toggleTheme());
    this.showTheme();
    tabs.addEventListener('click', (e) => {
      const tab = e.target.closest('[role=tab]');
      if (tab) {
        this.userSelected = true;
        this.select(tab.dataset.path, true);
      }
    });
    tabs.addEventListener('keydown', (e) => this.tabKeys(e, tabs, 'path'));
    toolTabs.addEventListener('click', (e) => {
      const tab = e.target.closest('[role=tab]');
      if (tab) this.selectTool(tab.dataset.tool, true);
    });
    toolTabs.addEventListener('keydown', (e) => this.tabKeys(e, toolTabs, 'tool'));
    root.querySelector('.copy').addEventListener('click', (e) => this.copy(this.current()?.content ?? '', 'Copied', e.currentTarget));
    root.querySelector('.wrap').addEventListener('click', (e) => {
      const on = e.currentTarget.getAttribute('aria-pressed') !== 'true';
      e.currentTarget.setAttribute('aria-pressed', String(on));
      panel.classList.toggle('wrapped', on);
    });
    root.querySelector('.reset').addEventListener('click', (e) => this.reset(this.presetState(), 'Form reset.', e.currentTarget));
    // The example values go too: nothing of them can end up in one's own files.
    root.querySelector('.clear').addEventListener('click', (e) => this.reset(this.cleared(), 'Form cleared.', e.currentTarget));
    root.querySelector('.download').addEventListener('click', () => {
      const item = this.current();
      // The path names the file (two tools write a main.tf); no text type, so nothing adds .txt.
      if (item) saveFile(item.path.replaceAll('/', '-'), new Blob([item.content], { type: 'application/octet-stream' }));
    });
    root.querySelector('.copy-yaml').addEventListener('click', (e) => this.copy(toYaml(this.spec) ?? '', 'Copied', e.currentTarget));
    root.querySelector('.import').addEventListener('click', (e) => {
      importer.hidden = !importer.hidden;
      e.target.setAttribute('aria-expanded', String(!importer.hidden));
      if (!importer.hidden) loadYamlReader();
    });
    root.querySelector('.import-file').addEventListener('change', async (e) => {
      const file = e.target.files?.[0];
      if (file) importer.querySelector('textarea').value = await file.text();
    });
    root.querySelector('.import-apply').addEventListener('click', () => this.importSpec(importer.querySelector('textarea').value));
    root.querySelector('.copy-link').addEventListener('click', (e) => {
      this.writeUrl();
      this.copy(location.href, 'Copied', e.currentTarget);
    });
    // Every file the output lists (and the chain), as it shows them; scripts executable.
    root.querySelector('.download-all').addEventListener('click', () => {
      const diagram = (this.bundle?.artifacts ?? []).filter((a) => a.kind === 'diagram');
      const files = [...diagram, ...this.items()].map((f) => ({
        path: `irsa/${f.path}`, content: f.content, mode: ['aws-cli', 'commands'].includes(f.kind) ? 0o755 : 0o644,
      }));
      saveFile('irsa.tar', tarOf(files));
    });
  }

  field(f) {
    const id = `${this.id_}-${f.key}`;
    const msg = `${id}-msg`;
    const common = { id, name: f.key, 'aria-describedby': `${msg} ${id}-help` };
    let control;
    if (f.checkbox) {
      control = el('input', { ...common, type: 'checkbox' });
      control.checked = Boolean(this.state[f.key]);
      return el('div', { class: `field check field-${f.key}` }, el('label', { for: id }, control, ` ${f.label}`), el('p', { class: 'msg', id: msg }));
    }
    if (f.options) {
      control = el('select', common, ...optionsOf(f).map((o) => el('option', { value: o, text: o || '(default)' })));
    } else if (f.lines || f.json) {
      control = el('textarea', { ...common, rows: String(f.rows ?? 2), placeholder: placeholderOf(f), spellcheck: 'false' });
    } else {
      control = el('input', { ...common, type: 'text', placeholder: placeholderOf(f), spellcheck: 'false', inputmode: f.number ? 'numeric' : null });
    }
    control.value = this.state[f.key] ?? '';
    if (this.locked().includes(f.key) && !f.options) {
      control.readOnly = true;
      control.setAttribute('aria-readonly', 'true');
    }
    return el('div', { class: `field field-${f.key}` },
      el('label', { for: id, text: f.label }), control,
      el('p', { class: 'help', id: `${id}-help` }, ...withCode(f.help ?? '')),
      el('p', { class: 'msg', id: msg }));
  }

  /**
   * Row `i` of a list of rows (`target`: the profiles, `workload`: the workloads): a
   * function making its labelled boxes, its Remove button and its message's id.
   */
  row(kind, i, what, render) {
    const list = kind === 'target' ? this.state.targets : this.state.workloads;
    const msg = `${this.id_}-msg-${kind}-${i}`;
    const control = (tag, key, text, attrs = {}, ...children) => {
      const id = `${this.id_}-${kind}-${i}-${key}`;
      const box = el(tag, { id, [`data-${kind}`]: String(i), 'data-key': key, spellcheck: 'false', 'aria-describedby': msg, ...attrs }, ...children);
      box.value = list[i]?.[key] ?? '';
      // Each label names its row, so a screen reader tells the rows' fields apart.
      return el('div', { class: 'field' }, el('label', { for: id }, text, el('span', { class: 'sr-only', text: `, ${what} row ${i + 1}` })), box);
    };
    const remove = el('button', { type: 'button', class: 'remove', 'aria-label': `Remove ${what} ${i + 1}`, text: 'Remove' });
    remove.addEventListener('click', () => {
      this.readForm();
      list.splice(i, 1);
      render();
      this.update();
      // Keyboard users keep their place: the next row's first box, else its Add button.
      const next = this.root.querySelector(`[data-${kind}="${i}"]`);
      (next ?? this.root.querySelector(`.${kind}s .add`)).focus();
    });
    return { control, remove, msg };
  }

  renderTargets() {
    const rows = this.root.querySelector('.targets .rows');
    rows.replaceChildren(...this.state.targets.map((t, i) => {
      const { control, remove, msg } = this.row('target', i, 'profile', () => this.renderTargets());
      const input = (key, text, placeholder) => control('input', key, text, { type: 'text', placeholder });
      const statements = control('textarea', 'statements', 'Permission statements (IAM JSON)', { rows: '4', placeholder: '[{ "Effect": "Allow", … }]' });
      const folded = ['statements', 'managedPolicies', 'durationSeconds'];
      const permissions = el('details', { class: 'row-permissions', open: folded.some((k) => (t[k] ?? '').trim()) },
        el('summary', { text: 'What can this role do?' }),
        statements,
        this.builder(`profile ${i + 1}`, () => statements.querySelector('textarea'), () => this.state.targets[i]?.role),
        control('textarea', 'managedPolicies', 'Managed policies (one ARN a line)', { rows: '2', placeholder: 'e.g. arn:aws:iam::aws:policy/ReadOnlyAccess' }),
        control('input', 'durationSeconds', 'Session length (s)', { type: 'text', inputmode: 'numeric', placeholder: 'SDK default' }));
      return el('div', { class: 'row', 'data-index': String(i) },
        input('profile', 'Profile', 'e.g. deploy'), input('role', 'Role (name or ARN)', 'e.g. arn:aws:iam::444455556666:role/deploy'),
        input('externalId', 'External ID (optional)', ''), remove, permissions,
        el('p', { class: 'msg', id: msg }));
    }));
  }

  /** The workload rows' suggestions, rewritten only when the form's names change. */
  showChoices() {
    const choices = workloadChoices(this.state);
    const key = JSON.stringify(choices);
    if (key === this.shownChoices) return;
    this.shownChoices = key;
    const fill = (id, values) => this.root.querySelector(`#${id}`).replaceChildren(...values.map((value) => el('option', { value })));
    fill(`${this.id_}-profiles`, choices.profiles);
    fill(`${this.id_}-service-accounts`, choices.serviceAccounts);
  }

  /** One row per container to wire: its workload, service account and profile. */
  renderWorkloads() {
    const rows = this.root.querySelector('.workloads .rows');
    rows.replaceChildren(...this.state.workloads.map((w, i) => {
      const { control, remove, msg } = this.row('workload', i, 'workload', () => this.renderWorkloads());
      const input = (key, text, placeholder) => control('input', key, text, { type: 'text', placeholder });
      const kinds = optionsOf({ options: 'workloadKinds' }).map((o) => el('option', { value: o, text: o || '(kind)' }));
      return el('div', { class: 'row workload', 'data-index': String(i) },
        control('select', 'kind', 'Kind', {}, ...kinds), input('name', 'Name', 'e.g. api'),
        input('container', 'Container', 'default: name'),
        control('input', 'serviceAccount', 'Service account', { type: 'text', placeholder: 'the only one', list: `${this.id_}-service-accounts` }),
        control('input', 'profile', 'Acts as profile', { type: 'text', placeholder: 'pod role', list: `${this.id_}-profiles` }), remove,
        el('p', { class: 'msg', id: msg }));
    }));
  }

  /**
   * The preset picker under a statements box: a need, one resource name, Add. It writes
   * the statements into the box (scoped to the role's partition, region and account) and
   * regenerates; nothing changes before Add.
   */
  builder(whose, box, role) {
    const id = `${this.id_}-preset-${whose.replace(/\W+/g, '-')}`;
    const select = el('select', { id }, ...PRESETS.map((p) => el('option', { value: p.id, text: p.label })));
    const preset = () => PRESETS.find((p) => p.id === select.value) ?? PRESETS[0];
    const name = el('input', { type: 'text', spellcheck: 'false', 'aria-label': `${preset().ask}, for ${whose}`, placeholder: preset().example,
      'aria-describedby': `${id}-msg` });
    const add = el('button', { type: 'button', class: 'add-preset', 'aria-label': `Add these statements to ${whose}`, text: 'Add' });
    const msg = el('p', { class: 'msg', role: 'status', id: `${id}-msg` });
    select.addEventListener('change', () => {
      name.setAttribute('aria-label', `${preset().ask}, for ${whose}`);
      name.placeholder = preset().example;
    });
    add.addEventListener('click', () => {
      this.readForm();
      const result = withPreset(box().value, preset(), name.value, presetContext(this.state, role()));
      const said = result.error ? el('span', { class: 'diag error', text: `Error: ${result.error}` })
        : el('span', { class: 'diag hint', text: `Added: ${preset().label.toLowerCase()}.${result.note ? ` ${result.note}` : ''}` });
      msg.replaceChildren(said);
      if (result.error) name.setAttribute('aria-invalid', 'true');
      else name.removeAttribute('aria-invalid');
      if (result.error) return;
      box().value = result.text;
      box().scrollTop = box().scrollHeight;
      name.value = '';
      this.touched.add(box().name || box().dataset.target);
      this.update();
    });
    name.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') add.click();
    });
    return el('div', { class: 'builder' },
      el('label', { for: id, text: `Add what ${whose === 'the pod role' ? 'the pod' : 'it'} needs:` },
        el('span', { class: 'sr-only', text: whose === 'the pod role' ? '' : ` (${whose})` })), select, name, add, msg);
  }

  /** Fills the form from an irsa.yaml (or JSON) text; refuses what the form cannot hold. */
  async importSpec(text) {
    const msg = this.root.querySelector('.import-msg');
    const { parseSpec } = await loadYamlReader();
    const { spec, error } = parseSpec(text);
    const fail = (message) => msg.replaceChildren(el('span', { class: 'diag error' }, ...withCode(message)));
    if (error) return fail(`Error: ${error.message}`);
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return fail('Error: the spec must be a mapping of keys');
    const { state: imported, unsupported } = stateOf(spec);
    const state = this.withLocks(imported);
    if (unsupported.length) {
      // An unknown key is most often a typo: the core says which key was meant.
      const hints = generate(spec).diagnostics.filter((d) => d.code === 'unknown-field' && unsupported.includes(d.field) && d.help);
      const named = unsupported.map((k) => {
        const hint = hints.find((d) => d.field === k);
        return hint ? `\`${k}\` (${hint.help})` : `\`${k}\``;
      });
      return fail(`Not imported: the form has no place for ${named.join(', ')}; `
        + 'generate from the file with kubectl irsa generate -f irsa.yaml');
    }
    this.showState(state);
    this.touched = new Set(FIELDS.map((f) => f.key));
    this.update();
    this.root.querySelector('.advanced').open = ADVANCED.some((f) => state[f.key]);
    msg.replaceChildren(el('span', { class: 'diag hint', text: 'Imported.' }));
  }

  /**
   * Sets the account, issuers and service accounts (what the trust-policy auditor read
   * from a policy), keeping every other field; locked fields keep their values.
   */
  prefill({ account, cluster, serviceAccount, subjectPatterns }) {
    this.readForm();
    const state = { ...this.state };
    if (account) state.account = account;
    if (cluster?.length) state.cluster = cluster.join('\n');
    // A policy that admits no service account by name leaves the form's as they are.
    if (serviceAccount?.length) state.serviceAccount = serviceAccount.join('\n');
    if (subjectPatterns) state.subjectPatterns = true;
    this.showState(this.withLocks(state));
    for (const key of ['account', 'cluster', 'serviceAccount']) this.touched.add(key);
    this.update();
    if (subjectPatterns) this.root.querySelector('.advanced').open = true;
  }

  /** `state` in the form's controls and rows. */
  showState(state) {
    this.state = { workloads: [], ...state };
    for (const f of FIELDS) {
      const control = this.form.elements[f.key];
      if (f.checkbox) control.checked = Boolean(state[f.key]);
      else control.value = state[f.key] ?? '';
    }
    this.renderTargets();
    this.renderWorkloads();
  }

  readForm() {
    for (const f of FIELDS) {
      const control = this.form.elements[f.key];
      this.state[f.key] = f.checkbox ? control.checked : control.value;
    }
    for (const [kind, list] of [['target', this.state.targets], ['workload', this.state.workloads]]) {
      for (const box of this.root.querySelectorAll(`[data-${kind}]`)) {
        const row = list[Number(box.dataset[kind])];
        if (row) row[box.dataset.key] = box.value;
      }
    }
  }

  /** Regenerates everything from the form: the hot path of every keystroke. */
  update() {
    if (!this.ready) return; // typed before the core loaded: the first update reads it all
    const started = performance.now();
    this.readForm();
    this.spec = specOf(this.state);
    this.bundle = generate(this.spec);
    const rows = [
      ...targetProblems(this.state.targets).map((p) => ({ severity: 'error', code: 'profile-row', field: `#target-${p.index}`, box: p.key, message: p.message })),
      ...fieldProblems(this.state).map((p) => ({ severity: 'error', code: 'form', field: p.key, message: p.message })),
    ];
    this.failed = rows.length > 0 || this.bundle.diagnostics.some((d) => d.severity === 'error');
    if (!this.failed) this.lastGood = { bundle: this.bundle, spec: this.spec };
    this.showDiagnostics([...rows, ...this.bundle.diagnostics]);
    this.showChoices();
    this.showOutput();
    // The SDK tables sit below the output: they follow once typing pauses.
    clearTimeout(this.rolesTimer);
    if (this.shownRoles) this.rolesTimer = setTimeout(() => this.showRoles(), ROLES_DELAY_MS);
    else this.showRoles();
    this.shownRoles = true;
    // The URL follows every change after the first render: a load leaves it as it came.
    if (this.hasAttribute('share') && (this.rendered || this.typedEarly)) this.scheduleUrl();
    this.rendered = true;
    this.timings.push(performance.now() - started);
  }

  /**
   * Writes the state into the URL fragment once typing pauses: one replaceState costs
   * Chromium more than a whole regeneration (about 7 ms here), and a link is only taken
   * after typing. Copying the link, or leaving the page, writes a pending one first.
   */
  scheduleUrl() {
    clearTimeout(this.urlTimer);
    this.urlTimer = setTimeout(() => this.writeUrl(), URL_DELAY_MS);
  }

  writeUrl(leaving = false) {
    if (this.urlTimer === undefined) return;
    clearTimeout(this.urlTimer);
    this.urlTimer = undefined;
    const from = location.hash;
    const to = `#spec=${encodeState(this.state)}`;
    history.replaceState(null, '', to);
    // A reload has taken its URL before the page hears it is leaving: the link goes to
    // the reloaded page this way instead. A link written while the page stays makes an
    // earlier one moot.
    try {
      if (leaving) sessionStorage.setItem(this.reloadKey(), JSON.stringify({ from, to, at: Date.now() }));
      else sessionStorage.removeItem(this.reloadKey());
    } catch { /* storage disabled: a reload shows the last written link */ }
  }

  /** One per page and generator on it: a link is only ever handed to its own. */
  reloadKey() {
    return `${RELOAD_KEY}:${location.pathname}${location.search}#${this.id}`;
  }

  /** On a reload of a page that left its link unwritten, that link (and the URL gets it). */
  reloadedHash() {
    let left;
    try {
      left = sessionStorage.getItem(this.reloadKey());
      sessionStorage.removeItem(this.reloadKey());
      left = JSON.parse(left);
    } catch {
      return null;
    }
    const reload = performance.getEntriesByType('navigation')[0]?.type === 'reload';
    const fresh = Date.now() - left?.at < RELOAD_WITHIN_MS;
    if (!reload || !fresh || left.from !== location.hash || !String(left.to).startsWith('#spec=')) return null;
    history.replaceState(null, '', left.to);
    return left.to;
  }

  showDiagnostics(diagnostics) {
    for (const msg of this.root.querySelectorAll('.msg')) msg.replaceChildren();
    for (const c of this.root.querySelectorAll('[aria-invalid]')) c.removeAttribute('aria-invalid');
    const general = this.root.querySelector('.general');
    general.replaceChildren();
    if (this.linkProblems?.length) {
      general.append(el('span', { class: 'diag error', 'data-code': 'share-link' },
        `Error: the share link could not be read entirely; ignored: ${this.linkProblems.join(', ')}`));
    }
    for (const d of diagnostics) {
      const key = controlOf(d.field, this.state.targets);
      // A required field nobody has typed in yet gets a hint, not an error.
      const pristine = d.code === 'missing-field' && !this.touched.has(key);
      const level = pristine ? 'hint' : d.severity;
      const word = { error: 'Error', warning: 'Warning', hint: 'Required' }[level];
      const text = d.code === 'profile-row' ? d.message : `${word}: ${linePrefix(d.field)}${d.message}${d.help ? ` (${d.help})` : ''}`;
      const line = el('span', { class: `diag ${level}`, 'data-code': d.code, 'data-field': d.field }, ...withCode(text));
      const row = /^(target|workload)-(\d+)$/.exec(key);
      const target = row
        ? this.root.querySelector(`#${this.id_}-msg-${key}`)
        : key === 'targets' ? this.root.querySelector(`#${this.id_}-msg-targets`) : this.root.querySelector(`#${this.id_}-${key}-msg`);
      (target ?? general).append(line);
      if (d.code === 'issuer') this.offerIssuerFix(line, d.field);
      if (d.severity === 'error' && !pristine) {
        // In a row, only the box the problem is in (all of them when it is the row's).
        const box = d.box ?? rowBoxOf(d.field, this.state.targets, d.code);
        const controls = row
          ? this.root.querySelectorAll(`[data-${row[1]}="${row[2]}"]${box ? `[data-key=${box}]` : ''}`)
          : [this.form.elements[key]].filter(Boolean);
        for (const c of controls) c.setAttribute('aria-invalid', 'true');
      }
    }
  }

  /** A button on an issuer error that rewrites its line, where the intent is clear. */
  offerIssuerFix(line, field) {
    const at = Number(/\[(\d+)\]/.exec(field)?.[1] ?? 0);
    const box = this.form.elements.cluster;
    const lines = box.value.split('\n').filter((l) => l.trim());
    const fix = lines[at] !== undefined ? issuerFix(lines[at]) : null;
    if (!fix) return;
    const button = el('button', { type: 'button', class: 'fix', text: fix.label });
    button.addEventListener('click', () => {
      lines[at] = fix.value;
      box.value = lines.join('\n');
      this.update();
      box.focus();
    });
    line.append(' ', button);
  }

  /** One table per wired container: each SDK family and the identity it gets. */
  async showRoles() {
    const failed = this.bundle.diagnostics.some((d) => d.severity === 'error');
    const section = this.root.querySelector('.sdk-roles');
    const spec = this.spec;
    const containers = failed || !spec.workload || this.hidden('roles') ? [] : (await loadRoles()).roles(spec);
    if (spec !== this.spec) return; // typed over meanwhile: the newer call draws
    // Most keystrokes change no container's answers: the tables stay as they are.
    const drawn = JSON.stringify(containers);
    if (drawn === this.drawnRoles) return;
    this.drawnRoles = drawn;
    section.hidden = containers.length === 0;
    // SDKs that get the same identity the same way share a row: the ARN once, not ten times.
    const rowsOf = (answers) => answers.reduce((rows, a) => {
      const same = rows.find((r) => r.summary === a.summary && r.via === a.via);
      if (same) same.labels.push(a.label);
      else rows.push({ labels: [a.label], summary: a.summary, via: a.via, arn: a.identity.arn });
      return rows;
    }, []);
    section.querySelector('.sdk-tables').replaceChildren(...containers.map((c) => el('table', {},
      el('caption', { text: `${c.namespace} · ${c.workload} · container ${c.container}${c.profile ? ` (profile ${c.profile})` : ''}` }),
      el('thead', {}, el('tr', {}, ...['AWS SDKs', 'act as', 'via'].map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, ...rowsOf(c.answers).map((r) => el('tr', { class: r.arn === c.expected ? 'ok' : 'astray' },
        el('th', { scope: 'row', text: r.labels.join(', ') }),
        el('td', {}, ...withCode(r.summary)),
        el('td', { class: 'via' }, ...withCode(r.via))))))));
  }

  /** What the output shows: the current bundle, or while the form has errors the last
   * valid one (marked stale), so typing never blanks it. */
  shown() {
    return this.failed && this.lastGood ? this.lastGood : { bundle: this.bundle, spec: this.spec };
  }

  /** The chain of what is shown, left to right or, in a narrow pane, top to bottom. */
  showDiagram() {
    const diagram = this.shown().bundle.artifacts.find((a) => a.kind === 'diagram');
    const figure = this.root.querySelector('.diagram');
    if (!diagram) {
      this.shownSvg = null;
      figure.replaceChildren(el('p', { class: 'placeholder', text: this.failed ? 'Fill in the fields marked above to see the chain.' : '' }));
      return;
    }
    const wide = across(diagram.content, this.figureWidth);
    // Both drawings come from one chain: the same left-to-right one, the same top-to-bottom.
    if (!wide && this.vertical?.of !== diagram.content) {
      this.vertical = { of: diagram.content, svg: diagramVertical(this.shown().spec) ?? diagram.content };
    }
    const svg = wide ? diagram.content : this.vertical.svg;
    if (this.shownSvg === svg) return;
    this.shownSvg = svg;
    figure.innerHTML = svg;
    // Shrunk to fit, but not under its least readable width: past that it scrolls.
    const drawn = figure.querySelector('svg');
    drawn.style.minWidth = `${minWidthOf(Number(drawn.getAttribute('width')), wide)}px`;
    // Read once laid out, so the first render forces no layout of its own.
    requestAnimationFrame(() => this.tabStop(figure));
  }

  /** A tab stop on the figure only where there is something to scroll to. */
  tabStop(figure) {
    figure.tabIndex = figure.scrollWidth > figure.clientWidth ? 0 : -1;
  }

  /** Taken out of the page: no timer of its own writes the page's URL or fetches. */
  disconnectedCallback() {
    clearTimeout(this.rolesTimer);
    clearTimeout(this.undoTimer);
    clearTimeout(this.urlTimer);
    this.urlTimer = undefined;
    if (this.leaving) {
      removeEventListener('pagehide', this.leaving);
      document.removeEventListener('visibilitychange', this.leaving);
      this.leaving = null;
    }
  }

  /** The files the output shows, as the last update computed them. */
  items() {
    return this.shownItems ?? [];
  }

  current() {
    return this.items().find((i) => i.path === this.selected);
  }

  showOutput() {
    const failed = this.failed;
    const stale = failed && Boolean(this.lastGood);
    const output = this.root.querySelector('.output');
    output.classList.toggle('failed', failed && !stale);
    output.classList.toggle('stale', stale);
    this.root.querySelector('.download-all').disabled = failed;
    // What is shown while the form has errors is the last valid output: nothing to take.
    for (const button of this.root.querySelectorAll('.panel .copy, .panel .download')) button.disabled = failed;
    this.root.querySelector('.stale-note').textContent = stale
      ? 'Showing the last valid output: fix the errors above to update it.' : '';
    this.showDiagram();
    // Once per update, for every tab and file lookup until the next one. irsa.yaml and
    // the command lines are wasm calls made when first shown, copied or downloaded.
    const { bundle, spec } = this.shown();
    const items = [
      ...(bundle?.artifacts ?? []).filter((a) => a.kind !== 'diagram'),
      computed('irsa.yaml', 'spec', () => toYaml(spec) ?? ''),
      computed('commands.sh', 'commands', () => commands(spec)),
    ];
    this.shownItems = items;
    if (!this.userSelected || !items.some((i) => i.path === this.selected)) this.selected = items[0].path;
    // Rebuild the tool tabs only when the set of tools changes, so focus and clicks survive.
    const toolTabs = this.root.querySelector('.tool-tabs');
    const tools = TOOLS.filter((t) => items.some((i) => toolOf(i.kind) === t));
    const ids = tools.map((t) => t.id).join(' ');
    if (toolTabs.dataset.tools !== ids) {
      toolTabs.dataset.tools = ids;
      toolTabs.replaceChildren(...tools.map((t) => el('button', {
        type: 'button', role: 'tab', id: `${this.id_}-tool-${t.id}`, 'aria-controls': `${this.id_}-files`, 'data-tool': t.id, text: t.label,
      })));
    }
    this.select(this.selected, false);
  }

  /** Shows the file at `path`: its tool's tab, the tool's files as tabs, its content. */
  select(path, focus) {
    this.selected = path;
    const item = this.current();
    const tool = item ? toolOf(item.kind) : null;
    for (const tab of this.root.querySelectorAll('.tool-tabs [role=tab]')) {
      const on = tab.dataset.tool === tool?.id;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      if (on) this.root.querySelector('.files').setAttribute('aria-labelledby', tab.id);
    }
    const tabs = this.root.querySelector('.tabs');
    const files = this.items().filter((i) => toolOf(i.kind) === tool);
    const paths = files.map((i) => i.path).join('\n');
    if (tabs.dataset.paths !== paths) {
      tabs.dataset.paths = paths;
      tabs.setAttribute('aria-label', `Files of ${tool?.label ?? 'the output'}`);
      tabs.replaceChildren(...files.map((file, n) => el('button', {
        type: 'button', role: 'tab', id: `${this.id_}-tab-${n}`, 'aria-controls': `${this.id_}-panel`,
        'data-path': file.path, 'data-kind': file.kind, title: file.path, text: shortName(file.path),
      })));
    }
    for (const tab of tabs.querySelectorAll('[role=tab]')) {
      const on = tab.dataset.path === path;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      if (on) this.root.querySelector('.panel').setAttribute('aria-labelledby', tab.id);
      if (on && focus) tab.focus();
    }
    if (tool) this.lastInTool[tool.id] = path;
    const content = item?.content ?? '';
    // Highlighted again only when the file or its content changed.
    if (this.shownFile?.path !== path || this.shownFile?.content !== content) {
      this.shownFile = { path, content };
      this.root.querySelector('.panel code').replaceChildren(...highlighted(content, path));
    }
    this.root.querySelector('.panel .what').textContent = item ? `${item.path} · ${item.kind}${item.role ? ` · ${item.role}` : ''}` : '';
  }

  /** The tool's file shown last, else its first. */
  selectTool(id, focus) {
    this.userSelected = true;
    const files = this.items().filter((i) => toolOf(i.kind).id === id);
    const path = files.some((f) => f.path === this.lastInTool[id]) ? this.lastInTool[id] : files[0]?.path;
    if (!path) return;
    this.select(path, false);
    if (focus) this.root.querySelector(`.tool-tabs [data-tool="${id}"]`)?.focus();
  }

  /** Arrow keys, Home and End move along a tab list (tools, or a tool's files). */
  tabKeys(e, list, by) {
    const tabs = [...list.querySelectorAll('[role=tab]')];
    const at = tabs.findIndex((t) => t.getAttribute('aria-selected') === 'true');
    const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const tab = tabs[(next + tabs.length) % tabs.length];
    if (by === 'tool') return this.selectTool(tab.dataset.tool, true);
    this.userSelected = true;
    this.select(tab.dataset.path, true);
  }

  /** Copies `text`; the button that asked says so for a moment, where the eye is. */
  async copy(text, done, button) {
    const copied = await copyText(text, button, done);
    this.root.querySelector('.notice').textContent = copied ? '' : 'Copy is blocked here: select the text instead';
  }

  /** An empty form but for what the embedding fixes: locked fields, and the profiles and
   * workloads of sections it hides (the user could neither see nor add them again). */
  cleared() {
    const preset = this.presetState();
    return this.withLocks({
      targets: this.hidden('targets') ? preset.targets : [],
      workloads: this.hidden('workloads') ? preset.workloads : [],
    });
  }

  /** The form set to `state` (the embedding's values, or empty), undoable for a while;
   * focus comes back to `button` with Undo. */
  reset(state, said, button) {
    this.readForm();
    const before = structuredClone(this.state);
    this.showState(state);
    this.linkProblems = [];
    this.touched = new Set();
    this.lastGood = null;
    this.userSelected = false;
    this.root.querySelector('.advanced').open = false;
    this.update();
    const note = this.root.querySelector('.reset-note');
    const undo = el('button', { type: 'button', class: 'undo', text: 'Undo' });
    undo.addEventListener('click', () => {
      note.replaceChildren();
      this.showState(before);
      this.touched = new Set(FIELDS.map((f) => f.key));
      this.update();
      button.focus();
    });
    note.replaceChildren(`${said} `, undo);
    clearTimeout(this.undoTimer);
    this.undoTimer = setTimeout(() => note.replaceChildren(), 15000);
  }

  /** Whether the element shows its dark theme (chosen, or the system's). */
  dark() {
    return this.getAttribute('data-theme') === 'dark'
      || (!this.hasAttribute('data-theme') && matchMedia('(prefers-color-scheme: dark)').matches);
  }

  toggleTheme() {
    const theme = this.dark() ? 'light' : 'dark';
    this.applyTheme(theme);
    localStorage.setItem(THEME_KEY, theme);
    this.showTheme();
  }

  /** The theme on this element, the page around it and its auditor panels, as chosen
   * now or on an earlier visit. */
  applyTheme(theme) {
    this.setAttribute('data-theme', theme);
    // The page around is the element's to theme only where it offers the Theme button.
    if (this.hidden('theme')) return;
    document.documentElement.setAttribute('data-theme', theme);
    for (const panel of document.querySelectorAll('irsa-audit')) panel.setAttribute('data-theme', theme);
  }

  /** The Theme button says which theme is on, for screen readers as a pressed state. */
  showTheme() {
    const button = this.root.querySelector('.theme');
    button.setAttribute('aria-pressed', String(this.dark()));
    button.textContent = this.dark() ? 'Theme: dark' : 'Theme: light';
  }
}

customElements.define('irsa-generator', IrsaGenerator);
