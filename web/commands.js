// The command lines that reproduce a spec with kubectl irsa, for the page's commands tab.

function shellQuote(s) {
  return /^[A-Za-z0-9_\-.,:/=+@]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}

/** The command lines that produce the same bundle. */
export function commandsOf(spec) {
  const out = ['# Save the spec as irsa.yaml (Copy as irsa.yaml), then write every artifact:', 'kubectl irsa generate -f irsa.yaml --out-dir irsa/', ''];
  const flagsOnly = ['account', 'cluster', 'serviceAccount', 'role', 'assume', 'partition', 'podProfile', 'regionalSts', 'workload'];
  const expressible = Object.keys(spec).every((k) => flagsOnly.includes(k))
    && Object.values(spec.assume ?? {}).every((r) => typeof r === 'string')
    && (!spec.workload || Object.keys(spec.workload).every((k) => ['kind', 'name', 'container', 'profile'].includes(k)));
  if (expressible && spec.role && spec.serviceAccount) {
    const args = ['kubectl irsa generate', ...[spec.serviceAccount].flat().map(shellQuote), '--role', shellQuote(spec.role)];
    if (spec.account) args.push('--account', shellQuote(spec.account));
    for (const issuer of [spec.cluster].flat()) args.push('--issuer', shellQuote(issuer));
    for (const [profile, role] of Object.entries(spec.assume ?? {})) args.push('--assume', shellQuote(`${profile}=${role}`));
    if (spec.partition) args.push('--partition', shellQuote(spec.partition));
    if (spec.podProfile) args.push('--pod-profile', shellQuote(spec.podProfile));
    if (spec.regionalSts) args.push('--regional-sts');
    if (spec.workload) args.push('--workload', shellQuote(`${spec.workload.kind}/${spec.workload.name}`));
    if (spec.workload?.container) args.push('--container', shellQuote(spec.workload.container));
    if (spec.workload?.profile) args.push('--profile', shellQuote(spec.workload.profile));
    out.push('# The same, from flags only:', `${args.join(' ')} --out-dir irsa/`, '');
  }
  out.push('# Both sides at once, IAM then Kubernetes, on the current kube context and AWS credentials:',
    'kubectl irsa bind -f irsa.yaml --iam', '');
  out.push('# Or the IAM side from the bundle:', 'bash irsa/aws-cli/create-iam.sh');
  if (spec.podIdentity) out.push('bash irsa/pod-identity/associations.sh');
  out.push('# Apply the Kubernetes objects to the current context (server-side apply, one request each):',
    'kubectl irsa bind -f irsa.yaml',
    '# or, without the plugin:',
    'kubectl apply --server-side -R -f irsa/kubernetes/', '');
  return out.join('\n');
}
