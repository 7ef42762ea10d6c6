// A small consumer of the npm-style package (web/pkg), type-checked with `tsc --noEmit`:
// the .d.ts is generated from the Rust types, and this proves it describes what a
// JavaScript user writes.
import init, { diagramVertical, generate, validate, toYaml, version, type Bundle, type Diagnostic, type Kind, type SpecInput } from '../../web/pkg/irsa_wasm.js';

export async function example(): Promise<string[]> {
  await init();
  const spec: SpecInput = {
    account: '111122223333',
    cluster: 'https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF',
    serviceAccount: 'payments/api',
    role: 'payments-api',
    assume: { deploy: 'arn:aws:iam::444455556666:role/payments-deploy' },
  };
  const bundle: Bundle = generate(spec);
  const trust = bundle.artifacts.filter((a) => a.kind === 'trust-policy').map((a) => `${a.role ?? ''}: ${a.content}`);
  const kinds: Kind[] = bundle.artifacts.map((a) => a.kind);
  const errors: Diagnostic[] = validate('{"account": "1"}').filter((d) => d.severity === 'error');
  const fields = errors.map((d) => `${d.field} ${d.code} ${d.help ?? ''}`);
  const yaml: string | undefined = toYaml(spec);
  const narrow: string | undefined = diagramVertical(spec);
  // @ts-expect-error: codes are a closed union, a typo does not type-check
  const typo: Diagnostic['code'] = 'acount-id';
  // @ts-expect-error: kinds too
  const other: Kind = 'policy';
  return [version(), ...trust, ...kinds, ...fields, yaml ?? '', narrow ?? '', typo, other];
}

// The auditor, a second package (web/pkg-audit) loaded on demand.
import initAudit, { audit, type Audit, type Risk } from '../../web/pkg-audit/irsa_audit.js';

export async function auditExample(policy: string): Promise<string[]> {
  await initAudit();
  const result: Audit = audit(policy, 2048);
  if (result.error) return [`${result.error.field}: ${result.error.message}`];
  const who = (result.report?.access ?? []).map((a) => `${a.issuer}: ${a.anyServiceAccount ? 'any' : a.serviceAccounts.join(',')}`);
  const high: Risk[] = (result.report?.findings ?? []).map((f) => f.severity).filter((s) => s === 'high' || s === 'critical');
  // @ts-expect-error: severities are a closed union
  const typo: Risk = 'severe';
  return [...who, ...high, result.report?.corrected ?? '', typo];
}

// The YAML reader, a third package (web/pkg-yaml) loaded on the first import.
import initYaml, { parseSpec, type SpecText } from '../../web/pkg-yaml/irsa_yaml.js';

export async function yamlExample(text: string): Promise<SpecInput | string> {
  await initYaml();
  const read: SpecText = parseSpec(text);
  if (read.error) return `${read.error.code}: ${read.error.message}`;
  return read.spec ?? {};
}
