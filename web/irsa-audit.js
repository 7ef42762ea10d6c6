// <irsa-audit>: paste a role's trust policy (or `aws iam get-role` output) and see who
// can assume it, what is dangerous in it and, where the intent is clear, the corrected
// policy — the same analysis as `kubectl irsa audit`, computed in the browser.
//
// The auditor is its own wasm module, fetched the first time the panel is used, so the
// generator's download stays as small as it was.

import { copyText, el, onDemand, withCode } from './dom.js';
import { lineDiff } from './diff.js';

const STYLESHEET = new URL('./irsa-generator.css', import.meta.url).href;
const MODULE = new URL('./pkg-audit/irsa_audit.js', import.meta.url).href;

/** eksctl's aud-only form: every service account of the cluster may assume the role. */
const EXAMPLE = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{
    Effect: 'Allow',
    Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF' },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { 'oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud': 'sts.amazonaws.com' } },
  }],
}, null, 2);

/** Keys in the order the core writes policies; others follow as written. */
const DOCUMENT_KEYS = ['Version', 'Id', 'Statement'];
const STATEMENT_KEYS = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];
const ordered = (object, first) => Object.fromEntries([
  ...first.filter((k) => k in object).map((k) => [k, object[k]]),
  ...Object.entries(object).filter(([k]) => !first.includes(k)),
]);
const sorted = (object) => Object.fromEntries(Object.keys(object).sort().map((k) => [k, object[k]]));
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The pasted policy as indented JSON, as the corrected one is written, for the diff: the
 * document itself, or the one in `aws iam get-role` output (URL-encoded or not), its keys
 * in the core's order (conditions sorted), so the diff shows what changed, not how it was
 * ordered. `null` when it is not JSON.
 */
function pastedPolicy(text) {
  try {
    let doc = JSON.parse(text);
    doc = doc?.Role?.AssumeRolePolicyDocument ?? doc;
    if (typeof doc === 'string') doc = JSON.parse(decodeURIComponent(doc));
    if (isObject(doc)) {
      const statement = (s) => {
        if (!isObject(s)) return s;
        const out = ordered(s, STATEMENT_KEYS);
        if (isObject(out.Condition)) {
          out.Condition = sorted(Object.fromEntries(Object.entries(out.Condition)
            .map(([op, keys]) => [op, isObject(keys) ? sorted(keys) : keys])));
        }
        return out;
      };
      doc = ordered(doc, DOCUMENT_KEYS);
      doc.Statement = Array.isArray(doc.Statement) ? doc.Statement.map(statement) : statement(doc.Statement);
    }
    return JSON.stringify(doc, null, 2);
  } catch {
    return null;
  }
}

/** The verdict in one line: open, to review, or scoped, and why. */
function verdict(report) {
  const serious = report.findings.filter((f) => f.severity === 'high' || f.severity === 'critical');
  const open = report.access.filter((a) => a.anyServiceAccount);
  if (open.length) {
    return { tone: 'error', text: `Too open: any service account of ${open.map((a) => a.issuer).join(', ')} can assume this role.` };
  }
  if (serious.length) return { tone: 'error', text: `Too open: ${serious.length} high or critical finding${serious.length > 1 ? 's' : ''} below.` };
  if (report.findings.length) return { tone: 'warning', text: `Review: ${report.findings.length} finding${report.findings.length > 1 ? 's' : ''}, none high.` };
  // A service account of several clusters is said once, with how many (clusters: the
  // OIDC providers, not `*` or other principals).
  const who = report.access.filter((a) => a.issuer !== '*' && !a.issuer.includes(':'))
    .flatMap((a) => [...a.serviceAccounts, ...a.patterns]);
  const named = [...new Set(who)].map((w) => {
    const clusters = who.filter((x) => x === w).length;
    return clusters > 1 ? `${w} (of ${clusters} clusters)` : w;
  });
  return who.length
    ? { tone: 'ok', text: `Scoped: only ${named.join(', ')} can assume this role.` }
    : { tone: 'ok', text: 'No service account can assume this role through an OIDC provider.' };
}

/**
 * What the generator needs to write this role right: the issuers, their account and the
 * service accounts (patterns as patterns) the policy names. `null` when it names no issuer.
 */
function generatorValues(report) {
  const access = report.access.filter((a) => a.issuer !== '*' && !a.issuer.includes(':'));
  if (!access.length) return null;
  const pair = (sub) => sub.replace(/^system:serviceaccount:/, '').replace(':', '/');
  const patterns = access.flatMap((a) => a.patterns).map(pair);
  return {
    account: access.find((a) => a.account)?.account,
    cluster: [...new Set(access.map((a) => `https://${a.issuer}`))],
    serviceAccount: [...new Set([...access.flatMap((a) => a.serviceAccounts), ...patterns])],
    subjectPatterns: patterns.length > 0,
  };
}

/** The auditor module, loaded once, on first use. */
const loadAuditor = onDemand(MODULE);

export class IrsaAudit extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this.result = null;
  }

  connectedCallback() {
    if (this.root) return;
    // The theme the page's generator last chose (the generator's Theme button sets it too).
    const theme = localStorage.getItem('irsa-theme');
    if (theme && !this.hasAttribute('data-theme')) this.setAttribute('data-theme', theme);
    const root = el('div', { class: 'irsa audit' });
    this.root = root;
    const input = el('textarea', {
      name: 'policy', rows: '10', spellcheck: 'false',
      'aria-label': 'Trust policy JSON, or aws iam get-role output',
      placeholder: '{ "Version": "2012-10-17", "Statement": [ … ] }',
    });
    const tools = el('div', { class: 'tools' },
      el('button', { type: 'button', class: 'example', text: 'Try eksctl\'s aud-only policy' }),
      el('span', { class: 'help' }, ...withCode('Paste a trust policy, or the output of `aws iam get-role --role-name NAME`.')));
    const output = el('section', { class: 'result', 'aria-live': 'polite', 'aria-label': 'Analysis' });
    root.append(input, tools, output);
    this.shadowRoot.append(el('link', { rel: 'stylesheet', href: STYLESHEET }), root);

    let timer = null;
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.analyse(input.value), 120);
    });
    input.addEventListener('focus', () => loadAuditor(), { once: true });
    tools.querySelector('.example').addEventListener('click', () => {
      input.value = EXAMPLE;
      this.analyse(EXAMPLE);
    });
    output.addEventListener('click', async (e) => {
      if (e.target.matches('button.open-generator')) return this.openInGenerator();
      if (e.target.matches('button.copy')) await copyText(this.result?.report?.corrected ?? '', e.target);
    });
  }

  async analyse(text) {
    const output = this.root.querySelector('.result');
    if (!text.trim()) {
      output.replaceChildren();
      this.result = null;
      return;
    }
    const { audit } = await loadAuditor();
    this.result = audit(text);
    output.replaceChildren(...this.render(this.result, text));
    this.dispatchEvent(new CustomEvent('irsa-audited', { bubbles: true, composed: true, detail: this.result }));
  }

  /** The page's generator, filled with what this policy names, brought into view. */
  openInGenerator() {
    const generator = document.querySelector('irsa-generator');
    const values = this.result?.report && generatorValues(this.result.report);
    if (!generator || !values) return;
    generator.prefill(values);
    generator.scrollIntoView({ block: 'start' });
    generator.shadowRoot.querySelector('[name=serviceAccount]')?.focus({ preventScroll: true });
  }

  render({ report, error }, text) {
    if (error) {
      const at = error.field ? ` at ${error.field}` : '';
      return [el('p', { class: 'diag error' }, `Not a trust policy${at}: `, ...withCode(error.message))];
    }
    const who = el('ul', { class: 'who' });
    if (report.access.length === 0) {
      who.append(el('li', { text: "no service account: no statement lets an OIDC provider's tokens assume it" }));
    }
    for (const a of report.access) {
      const parts = [];
      if (a.anyServiceAccount) parts.push('ANY service account');
      parts.push(...a.serviceAccounts, ...a.patterns.map((p) => `pattern ${p}`));
      if (a.denied.length) parts.push(`except ${a.denied.join(', ')}`);
      if (parts.length === 0) parts.push('no service account (no sub value names one)');
      who.append(el('li', {}, el('code', { text: a.issuer }), `: ${parts.join(', ')}`));
    }
    const findings = el('ul', { class: 'findings' });
    if (report.findings.length === 0) findings.append(el('li', { text: 'No findings.' }));
    for (const f of report.findings) {
      const tone = f.severity === 'high' || f.severity === 'critical' ? 'error' : 'warning';
      findings.append(el('li', { class: `diag ${tone}`, 'data-code': f.code },
        el('strong', { text: `${f.severity}[${f.code}]` }), f.field ? ` ${f.field}` : '', ': ', ...withCode(f.message),
        ...(f.help ? [el('br'), el('span', { class: 'help' }, 'help: ', ...withCode(f.help))] : [])));
    }
    const { tone, text: said } = verdict(report);
    const banner = el('p', { class: `verdict ${tone}`, role: 'status' }, said);
    if (document.querySelector('irsa-generator') && generatorValues(report)) {
      banner.append(' ', el('button', { type: 'button', class: 'open-generator', text: 'Open in the generator' }));
    }
    const out = [banner, el('h3', { text: 'Who can assume it' }), who, el('h3', { text: 'Findings' }), findings];
    if (report.corrected) {
      // Shown as a diff of the pasted policy where it reads as JSON; Copy takes the policy.
      const pasted = pastedPolicy(text);
      const diff = pasted === null ? [] : lineDiff(pasted, report.corrected.trimEnd());
      const marked = diff.some((d) => d.op !== ' ');
      const lines = diff.map((d) => el('span', { class: { '-': 'del', '+': 'add', ' ': 'same' }[d.op], text: `${d.op} ${d.text}\n` }));
      out.push(el('h3', { text: marked ? 'Corrected policy, changes marked' : 'Corrected policy' }),
        el('div', { class: 'panel-tools' },
          el('span', { class: 'help', text: marked ? '- removed, + added' : '' }),
          el('button', { type: 'button', class: 'copy', text: 'Copy' })),
        el('pre', { class: marked ? 'corrected diff' : 'corrected', tabindex: '0', 'aria-label': 'Corrected policy' },
          el('code', {}, ...(marked ? lines : [report.corrected]))));
    }
    return out;
  }
}

customElements.define('irsa-audit', IrsaAudit);
