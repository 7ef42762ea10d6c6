// The form of <irsa-generator> as data: its fields, the spec a form state stands for and
// back, and which field a diagnostic belongs to. No DOM and no wasm calls: the core's
// vocabulary (defaults, partitions, workload kinds) comes in through `useSchema`.

/** The core's schema (irsa_wasm's `schema()`): set once the wasm is loaded. */
let SCHEMA = { partitions: [], workloadKinds: [], defaults: {} };
export function useSchema(schema) {
  SCHEMA = schema;
}

/** A field's placeholder: its example, or the core's default for it. */
export function placeholderOf(f) {
  if (!f.default) return f.placeholder;
  return SCHEMA.defaults[f.default] === undefined ? '' : `default: ${SCHEMA.defaults[f.default]}`;
}

/**
 * What a workload row's boxes suggest: the form's profiles (the pod role's first) and its
 * service accounts. Suggestions only: a name the spec does not know is the core's error.
 */
export function workloadChoices(state) {
  const names = (list) => [...new Set(list.map((s) => String(s ?? '').trim()).filter(Boolean))];
  return {
    profiles: names([state.podProfile || SCHEMA.defaults.podProfile, ...(state.targets ?? []).map((t) => t.profile)]),
    // A pattern (`payments/*`) names no service account a workload can run as.
    serviceAccounts: names(String(state.serviceAccount ?? '').split(/[\n,]+/)).filter((sa) => !/[*?]/.test(sa)),
  };
}

/** A choice field's options, '' first for "the spec leaves it out". */
export function optionsOf(f) {
  const from = { partitions: SCHEMA.partitions.map((p) => p.name), workloadKinds: SCHEMA.workloadKinds.map((k) => k.kind) };
  return ['', ...from[f.options]];
}

/** The partition a region name is in, by the region names that mark each. */
export function partitionOfRegion(region) {
  const marked = SCHEMA.partitions.find((p) => p.regionPrefixes.some((prefix) => region.startsWith(prefix)));
  return marked?.name ?? 'aws';
}

// Form fields: `spec` says where each lands in the spec; `lines` fields take one value a line.
export const BASICS = [
  { key: 'account', label: 'AWS account ID', placeholder: 'e.g. 111122223333', help: 'Account of roles given by name.' },
  { key: 'cluster', label: 'Cluster OIDC issuers', lines: true, rows: 3, placeholder: 'e.g. https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF', help: 'One per line: `aws eks describe-cluster --name NAME --query cluster.identity.oidc.issuer`' },
  { key: 'serviceAccount', label: 'Service accounts', lines: true, placeholder: 'e.g. payments/api', help: 'namespace/name, one per line.' },
  { key: 'role', label: 'Pod role', placeholder: 'e.g. payments-api', help: 'Name (in the account above) or ARN.' },
];
// "What can the pod do?": the pod role's own permissions, beside its managed policies.
export const PERMISSIONS = [
  { key: 'statements', label: 'Permission statements of the pod role (IAM JSON)', json: true,
    rows: 5, placeholder: '[{ "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*" }]',
    help: 'A list of IAM statements, or pick a preset below and add it.' },
  { key: 'managedPolicies', label: 'Managed policies of the pod role', lines: true, placeholder: 'e.g. arn:aws:iam::aws:policy/ReadOnlyAccess', help: 'One ARN a line.' },
];
export const ADVANCED = [
  { key: 'path', label: 'Role path', default: 'path' },
  { key: 'permissionsBoundary', label: 'Permissions boundary (policy ARN)', placeholder: 'e.g. arn:aws:iam::111122223333:policy/boundary' },
  { key: 'tags', label: 'Tags of the pod role', lines: true, placeholder: 'e.g. team=payments', help: 'key=value, one per line.' },
  { key: 'maxSessionDuration', label: 'Max session duration (s)', number: true, default: 'maxSessionDuration' },
  { key: 'durationSeconds', label: 'Pod role session (s)', number: true, placeholder: 'SDK default' },
  { key: 'roleSessionName', label: 'Role session name', placeholder: 'SDK default' },
  { key: 'podProfile', label: 'Pod role profile name', default: 'podProfile' },
  { key: 'partition', label: 'Partition', options: 'partitions' },
  { key: 'tokenExpiration', label: 'Token expiration (s)', number: true, default: 'tokenExpiration' },
  { key: 'trustPolicyQuota', label: 'Trust policy quota', number: true, default: 'trustPolicyQuota' },
  { key: 'configMapName', label: 'ConfigMap name', default: 'configMapName' },
  { key: 'mountPath', label: 'Config mount path', default: 'mountPath' },
  { key: 'clusterName', label: 'EKS cluster name', placeholder: 'for eksctl and Pod Identity' },
  { key: 'region', label: 'EKS cluster region', placeholder: 'from the issuer' },
  { key: 'podIdentity', label: 'EKS Pod Identity instead of IRSA', checkbox: true },
  { key: 'createOidcProvider', label: 'Terraform/CloudFormation create the OIDC provider', checkbox: true },
  { key: 'regionalSts', label: 'Regional STS endpoints', checkbox: true },
  { key: 'subjectPatterns', label: 'Allow * and ? in service accounts', checkbox: true },
];
export const FIELDS = [...BASICS, ...PERMISSIONS, ...ADVANCED];

/** The keys of a workload row: the spec's `workload` entry, one container of it each. */
export const WORKLOAD_KEYS = ['kind', 'name', 'serviceAccount', 'container', 'profile'];

/**
 * The keys of a profile row: `durationSeconds` is its session's length, `statements` and
 * `managedPolicies` its role's permissions.
 */
export const ROW_KEYS = ['profile', 'role', 'externalId', 'durationSeconds', 'statements', 'managedPolicies'];

/** A box's non-empty lines, trimmed: issuers, service accounts, policy ARNs. */
const lineList = (v) => (v ?? '').split('\n').map((l) => l.trim()).filter(Boolean);

/**
 * Statements typed as JSON: a list of IAM statements, or one. `{ statements }`, or
 * `{ error }` saying what is wrong; the core checks the statements themselves.
 */
export function parseStatements(text) {
  const t = (text ?? '').trim();
  if (!t) return { statements: [] };
  let value;
  try {
    value = JSON.parse(t);
  } catch (e) {
    return { error: `the statements are not JSON: ${e.message}` };
  }
  // A whole policy document pasted: its statements are what is meant.
  const doc = value && typeof value === 'object' && !Array.isArray(value) && 'Statement' in value
    && Object.keys(value).every((k) => ['Version', 'Id', 'Statement'].includes(k));
  const list = [doc ? value.Statement : value].flat();
  if (!list.every((st) => st && typeof st === 'object' && !Array.isArray(st))) {
    return { error: 'write a JSON list of statements, each an object like { "Effect": "Allow", "Action": …, "Resource": … }' };
  }
  return { statements: list };
}

/** `key=value` lines as a tag mapping; a line without `=` or a key given twice is an error. */
export function parseTags(text) {
  // No prototype: `__proto__` is a tag key IAM takes like any other.
  const tags = Object.create(null);
  const errors = [];
  const seen = new Map();
  for (const [i, line] of (text ?? '').split('\n').entries()) {
    if (!line.trim()) continue;
    const at = line.indexOf('=');
    const key = line.slice(0, at).trim();
    if (at < 1 || !key) errors.push(`line ${i + 1}: write a tag as key=value`);
    else if (seen.has(key)) errors.push(`line ${i + 1}: tag \`${key}\` is already line ${seen.get(key) + 1}`);
    else {
      seen.set(key, i);
      tags[key] = line.slice(at + 1).trim();
    }
  }
  return { tags, errors };
}

/** What the form alone knows is wrong outside the profile rows: `{ key, message }` each. */
export function fieldProblems(state) {
  const problems = [];
  const { error } = parseStatements(state.statements);
  if (error) problems.push({ key: 'statements', message: error });
  for (const message of parseTags(state.tags).errors) problems.push({ key: 'tags', message });
  return problems;
}

/** A role's `permissions` from its statements text and managed-policy lines, or undefined. */
function permissionsOf(statementsText, managedText) {
  const permissions = {};
  if (lineList(managedText).length) permissions.managedPolicies = lineList(managedText);
  const { statements } = parseStatements(statementsText);
  if (statements?.length) permissions.statements = statements;
  return Object.keys(permissions).length ? permissions : undefined;
}

/** The form state (what the share link carries) -> the spec the core reads. */
/**
 * What the form alone knows is wrong with the profile rows: a half-filled row, or a
 * profile named twice (the spec's `assume` is a mapping: the second would replace the
 * first). Such rows stay out of the spec; each problem is shown on its own row.
 */
export function targetProblems(targets) {
  const problems = [];
  const seen = new Map();
  for (const [i, t] of (targets ?? []).entries()) {
    const profile = (t.profile ?? '').trim();
    const role = (t.role ?? '').trim();
    const { error } = parseStatements(t.statements);
    if (ROW_KEYS.every((k) => !(t[k] ?? '').trim())) continue;
    if (!profile) problems.push({ index: i, key: 'profile', message: 'Profile is required' });
    else if (!role) problems.push({ index: i, key: 'role', message: 'Role is required' });
    else if (seen.has(profile)) problems.push({ index: i, key: 'profile', message: `Profile \`${profile}\` is already row ${seen.get(profile) + 1}: give this one another name` });
    else if (error) problems.push({ index: i, key: 'statements', message: `Permissions: ${error}` });
    else seen.set(profile, i);
  }
  return problems;
}

export function specOf(state) {
  const spec = {};
  const text = (v) => (v ?? '').trim();
  const one = (list) => (list.length === 1 ? list[0] : list);
  const number = (v) => (/^-?\d+$/.test(text(v)) ? Number(text(v)) : text(v));
  if (text(state.account)) spec.account = text(state.account);
  // Left out when empty: `cluster` is optional under Pod Identity, and an empty list
  // would be read as a list without issuers.
  if (lineList(state.cluster).length) spec.cluster = one(lineList(state.cluster));
  if (lineList(state.serviceAccount).length) spec.serviceAccount = one(lineList(state.serviceAccount));
  if (text(state.role)) spec.role = text(state.role);
  const assume = {};
  const excluded = new Set(targetProblems(state.targets).map((p) => p.index));
  for (const [i, t] of (state.targets ?? []).entries()) {
    if ((!text(t.profile) && !text(t.role)) || excluded.has(i)) continue;
    const permissions = permissionsOf(t.statements, t.managedPolicies);
    if (!text(t.externalId) && !text(t.durationSeconds) && !permissions) {
      assume[text(t.profile)] = text(t.role);
      continue;
    }
    const target = { role: text(t.role) };
    if (text(t.externalId)) target.externalId = text(t.externalId);
    if (text(t.durationSeconds)) target.durationSeconds = number(t.durationSeconds);
    if (permissions) target.permissions = permissions;
    assume[text(t.profile)] = target;
  }
  if (Object.keys(assume).length) spec.assume = assume;
  for (const key of ['path', 'permissionsBoundary', 'roleSessionName', 'podProfile', 'partition', 'clusterName', 'region']) {
    if (text(state[key])) spec[key] = text(state[key]);
  }
  const permissions = permissionsOf(state.statements, state.managedPolicies);
  if (permissions) spec.permissions = permissions;
  const { tags } = parseTags(state.tags);
  if (Object.keys(tags).length) spec.tags = tags;
  for (const key of ['maxSessionDuration', 'durationSeconds', 'tokenExpiration', 'trustPolicyQuota']) {
    if (text(state[key])) spec[key] = number(state[key]);
  }
  for (const key of ['regionalSts', 'subjectPatterns', 'podIdentity', 'createOidcProvider']) if (state[key]) spec[key] = true;
  if (text(state.configMapName) || text(state.mountPath)) {
    spec.configMap = {};
    if (text(state.configMapName)) spec.configMap.name = text(state.configMapName);
    if (text(state.mountPath)) spec.configMap.mountPath = text(state.mountPath);
  }
  const workloads = (state.workloads ?? []).filter((w) => WORKLOAD_KEYS.some((k) => text(w[k]))).map((w) => {
    const entry = {};
    for (const key of WORKLOAD_KEYS) if (text(w[key]) || key === 'kind' || key === 'name') entry[key] = text(w[key]);
    return entry;
  });
  // One workload as an entry, several as a list: as a person writes irsa.yaml.
  if (workloads.length) spec.workload = workloads.length === 1 ? workloads[0] : workloads;
  return spec;
}

/**
 * The form state of a spec: the inverse of `specOf`. Keys the form has no place for are
 * listed in `unsupported` (nothing is dropped silently).
 */
export function stateOf(spec) {
  // The form's kinds from what the spec accepts: any case, plurals, kubectl's short names.
  const kindOf = (k) => {
    const lower = String(k ?? '').toLowerCase();
    return SCHEMA.workloadKinds.find(({ kind, aliases }) => kind.toLowerCase() === lower || aliases.includes(lower))?.kind;
  };
  const state = { targets: [], workloads: [] };
  const unsupported = [];
  const scalar = (v) => ['string', 'number', 'bigint'].includes(typeof v);
  const lines = (v) => ([v].flat().every(scalar) ? [v].flat().map(String).join('\n') : null);
  const plain = (value) => value && typeof value === 'object' && !Array.isArray(value);
  const only = (value, keys) => plain(value) && Object.keys(value).every((k) => keys.includes(k));
  // A role's permissions as form text: statements as indented JSON, policies one a line.
  const permissionsState = (value) => {
    if (!only(value, ['managedPolicies', 'statements']) || lines(value.managedPolicies ?? []) === null) return null;
    const statements = value.statements === undefined ? [] : [value.statements].flat();
    if (!statements.every((st) => st && typeof st === 'object' && !Array.isArray(st))) return null;
    return { managedPolicies: lines(value.managedPolicies ?? []), statements: statements.length ? JSON.stringify(statements, null, 2) : '' };
  };
  // A workload entry as a row: `Kind/name`, or a mapping of the row's keys.
  const workloadRow = (w) => {
    const row = Object.fromEntries(WORKLOAD_KEYS.map((k) => [k, '']));
    if (typeof w === 'string' && w.includes('/') && kindOf(w.split('/')[0])) return { ...row, kind: kindOf(w.split('/')[0]), name: w.slice(w.indexOf('/') + 1) };
    if (!only(w, WORKLOAD_KEYS) || !kindOf(w.kind) || !WORKLOAD_KEYS.every((k) => ['string', 'undefined'].includes(typeof w[k]))) return null;
    return { ...row, ...w, kind: kindOf(w.kind) };
  };
  const TEXT = ['account', 'role', 'path', 'permissionsBoundary', 'roleSessionName', 'podProfile', 'partition', 'clusterName', 'region',
    'maxSessionDuration', 'durationSeconds', 'tokenExpiration', 'trustPolicyQuota'];
  const FLAGS = ['regionalSts', 'subjectPatterns', 'podIdentity', 'createOidcProvider'];
  for (const [key, value] of Object.entries(spec ?? {})) {
    if (TEXT.includes(key) && scalar(value)) state[key] = String(value);
    else if (FLAGS.includes(key) && typeof value === 'boolean') state[key] = value;
    else if ((key === 'cluster' || key === 'serviceAccount') && lines(value) !== null) state[key] = lines(value);
    else if (key === 'permissions' && permissionsState(value)) Object.assign(state, permissionsState(value));
    // Tags as key=value lines: only where the lines read back the same (no `=` in a key,
    // no line break or outer spaces in a value).
    else if (key === 'tags' && plain(value) && Object.entries(value).every(([k, v]) => !k.includes('=') && k.trim() === k
      && scalar(v) && !String(v).includes('\n') && String(v).trim() === String(v))) {
      state.tags = Object.entries(value).map(([k, v]) => `${k}=${v}`).join('\n');
    } else if (key === 'configMap' && only(value, ['name', 'mountPath'])) {
      state.configMapName = value.name ?? '';
      state.mountPath = value.mountPath ?? '';
    } else if (key === 'workload' && [value].flat().every(workloadRow)) {
      state.workloads = [value].flat().map(workloadRow);
    } else if (key === 'assume' && value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [profile, target] of Object.entries(value)) {
        const row = Object.fromEntries(ROW_KEYS.map((k) => [k, '']));
        if (typeof target === 'string') state.targets.push({ ...row, profile, role: target });
        else if (only(target, ['role', 'externalId', 'durationSeconds', 'permissions']) && typeof target.role === 'string'
          && ['undefined', 'number', 'string'].includes(typeof target.durationSeconds)
          && ['undefined', 'number', 'string'].includes(typeof target.externalId)
          && (target.permissions === undefined || permissionsState(target.permissions))) {
          state.targets.push({
            ...row, profile, role: target.role, externalId: String(target.externalId ?? ''),
            durationSeconds: String(target.durationSeconds ?? ''), ...permissionsState(target.permissions ?? {}),
          });
        } else unsupported.push(`assume.${profile}`);
      }
    } else unsupported.push(key);
  }
  return { state, unsupported };
}

/**
 * The profile row a field path names: profile names may hold dots, so `assume.prod.eu.role`
 * is `prod.eu`'s, not `prod`'s — the longest name that fits.
 */
function longestProfile(targets, fits) {
  return targets.filter((t) => t.profile.trim() && fits(t.profile.trim()))
    .sort((a, b) => b.profile.trim().length - a.profile.trim().length)[0];
}

/** Which form control a diagnostic's field path belongs to. */
export function controlOf(field, targets) {
  if (field.startsWith('#target-')) return field.slice(1);
  if (field.startsWith('assume.')) {
    const target = longestProfile(targets, (profile) => field === `assume.${profile}` || field.startsWith(`assume.${profile}.`));
    return target ? `target-${targets.indexOf(target)}` : 'targets';
  }
  if (field.startsWith('permissions.statements')) return 'statements';
  if (field.startsWith('permissions')) return 'managedPolicies';
  const workload = /^workload(?:\[(\d+)\])?/.exec(field);
  if (workload) return `workload-${workload[1] ?? 0}`;
  if (field === 'configMap.mountPath') return 'mountPath';
  if (field.startsWith('configMap')) return 'configMapName';
  const top = field.split(/[.[]/)[0];
  return FIELDS.some((f) => f.key === top) ? top : 'general';
}

/** Diagnostics about a role reference, wherever the spec put the role. */
const ROLE_CODES = ['role-arn', 'role-name', 'role-path', 'partition-mismatch', 'self-assume', 'duplicate'];

/**
 * Which box of a row a diagnostic (its field and code) is about: a profile row's `role`,
 * `externalId`, `durationSeconds`, `statements` or `managedPolicies`, a workload row's
 * key; null for the row as a whole.
 */
export function rowBoxOf(field, targets, code) {
  const workload = /^workload(?:\[\d+\])?\.(\w+)/.exec(field);
  if (workload) return WORKLOAD_KEYS.includes(workload[1]) ? workload[1] : null;
  // A row with only a role is written `assume: {NAME: ROLE}`: its role's problems are at
  // the row's own path.
  const own = longestProfile(targets, (profile) => field === `assume.${profile}`);
  if (own && ROLE_CODES.includes(code)) return 'role';
  if (own && code === 'profile-name') return 'profile';
  const target = longestProfile(targets, (profile) => field.startsWith(`assume.${profile}.`));
  if (!target) return null;
  const [key, sub] = field.slice(`assume.${target.profile.trim()}.`.length).split(/[.[]/);
  if (key === 'permissions') return sub === 'managedPolicies' ? 'managedPolicies' : 'statements';
  return ['role', 'externalId', 'durationSeconds'].includes(key) ? key : null;
}

/**
 * Where in its box a diagnostic is: `cluster[2]` -> "line 3: " for fields entered one per
 * line, `…statements[0]…` -> "statement 1: " in a statements box.
 */
export function linePrefix(field) {
  const line = /^(?:cluster|serviceAccount|permissions\.managedPolicies)\[(\d+)\]/.exec(field);
  if (line) return `line ${Number(line[1]) + 1}: `;
  const statement = /permissions\.statements\[(\d+)\]/.exec(field);
  return statement ? `statement ${Number(statement[1]) + 1}: ` : '';
}

/**
 * The fix whose intent is clear for an issuer line the core refused: quotes to drop, a
 * provider ARN for its issuer URL, http for https, an upper-case host. `null` when the
 * intent is not clear.
 */
export function issuerFix(line) {
  const text = line.trim();
  // A provider's ARN, alone, quoted or in list-open-id-connect-providers' JSON.
  const arn = /arn:[^:\s"']+:iam::\d{12}:oidc-provider\/([^\s"'`,;)>\]}]+)/.exec(text);
  if (arn) return { label: 'Use its issuer URL', value: `https://${arn[1]}` };
  // The URL inside quotes, brackets, a JSON line (`"issuer": "https://…",`) or other text.
  const urls = text.match(/https?:\/\/[^\s"'`,;)>\]}]+/gi) ?? [];
  if (urls.length === 1 && urls[0] !== text) {
    return { label: /^["'].*["']$/.test(text) ? 'Remove the quotes' : 'Keep only the URL', value: urls[0] };
  }
  const quoted = /^(["'])(.*)\1$/.exec(text);
  if (quoted) return { label: 'Remove the quotes', value: quoted[2] };
  if (/^http:\/\//i.test(text)) return { label: 'Use https://', value: text.replace(/^http:\/\//i, 'https://') };
  const url = /^(https:\/\/)([^/]+)(.*)$/i.exec(text);
  if (url && (/[A-Z]/.test(url[2]) || url[1] !== 'https://')) {
    return { label: 'Make it lower-case', value: `https://${url[2].toLowerCase()}${url[3]}` };
  }
  if (url && url[3].endsWith('/')) return { label: 'Remove the trailing /', value: text.replace(/\/+$/, '') };
  return null;
}
