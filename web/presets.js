// "What can the pod do?": IAM statements for common needs, each scoped to one resource,
// for the statement builder of the pod role and of each profile's role.

import { parseStatements, partitionOfRegion } from './form-model.js';

/**
 * Where a preset's ARNs point: the partition, region and account of the role the
 * statements are for. The account is that of the role's ARN, else the form's; the region
 * the form's, else the first EKS issuer's; `*` where neither says.
 */
export function presetContext(state, role = state.role) {
  const arn = /^arn:([a-z-]+):iam::(\d{12}):role\//.exec((role ?? '').trim());
  const issuer = (state.cluster ?? '').split('\n').map((l) => l.trim()).find(Boolean) ?? '';
  const region = (state.region ?? '').trim() || (/^https:\/\/oidc\.eks\.([a-z0-9-]+)\.amazonaws\.com/.exec(issuer)?.[1] ?? '*');
  const partition = arn?.[1] ?? ((state.partition ?? '').trim() || partitionOfRegion(region));
  return { partition, region, account: arn?.[2] ?? ((state.account ?? '').trim() || '*') };
}

const allow = (Action, Resource) => ({ Effect: 'Allow', Action, Resource });

/**
 * What users paste for a resource, read as its name (and, from an ARN or URL, the
 * partition, region and account it names): `{ name, context }`, or `{ error }`.
 * - S3: `bucket`, `s3://bucket`, `arn:PARTITION:s3:::bucket`
 * - Secrets Manager: a name or the secret's ARN (kept whole)
 * - DynamoDB: `table` or `arn:…:dynamodb:REGION:ACCOUNT:table/NAME`
 * - SQS: `queue`, `arn:…:sqs:REGION:ACCOUNT:NAME` or `https://sqs.REGION.amazonaws.com/ACCOUNT/NAME`
 */
function named(service, text, context) {
  // Secret names may hold `/` (payments/db); bucket, table and queue names may not. A name
  // read out of an ARN is held to the same rule: a preset is for one resource.
  const forbidden = service === 'secretsmanager' ? /[\s"*?:]/ : /[\s"*?:/]/;
  const one = (resource) => (forbidden.test(resource.name)
    ? { error: 'one name, or the resource\'s ARN, without spaces, quotes or wildcards' } : resource);
  const arn = /^arn:([a-z-]+):([a-z0-9-]+):([a-z0-9-]*):(\d{12})?:(.+)$/.exec(text);
  if (arn) {
    const [, partition, arnService, region, account, resource] = arn;
    if (arnService !== service) return { error: `that is an ARN of ${arnService}, not ${service}` };
    const name = { s3: resource, secretsmanager: resource.replace(/^secret:/, ''), dynamodb: resource.replace(/^table\//, ''), sqs: resource }[service];
    return one({ name, arn: service === 'secretsmanager' ? text : null, context: { partition, region: region || context.region, account: account || context.account } });
  }
  const s3 = /^s3:\/\/([^/]+)\/?$/.exec(text);
  if (service === 's3' && s3) return one({ name: s3[1], context });
  const queue = /^https:\/\/sqs\.([a-z0-9-]+)\.[a-z0-9.]+\/(\d{12})\/([^/]+)$/.exec(text);
  if (service === 'sqs' && queue) {
    const [, region, account, name] = queue;
    return one({ name, context: { partition: partitionOfRegion(region), region, account } });
  }
  return one({ name: text, context });
}

export const PRESETS = [
  {
    id: 's3-read', label: 'Read one S3 bucket', service: 's3', ask: 'Bucket name', example: 'e.g. payments-reports',
    statements: ({ partition }, bucket) => [
      allow('s3:ListBucket', `arn:${partition}:s3:::${bucket}`),
      allow('s3:GetObject', `arn:${partition}:s3:::${bucket}/*`),
    ],
  },
  {
    id: 's3-write', label: 'Read and write one S3 bucket', service: 's3', ask: 'Bucket name', example: 'e.g. payments-uploads',
    statements: ({ partition }, bucket) => [
      allow('s3:ListBucket', `arn:${partition}:s3:::${bucket}`),
      allow(['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], `arn:${partition}:s3:::${bucket}/*`),
    ],
  },
  {
    // Secrets Manager appends six random characters to a secret's name in its ARN.
    id: 'secret-read', label: 'Read one Secrets Manager secret', service: 'secretsmanager', ask: 'Secret name or ARN', example: 'e.g. payments/db',
    statements: ({ partition, region, account }, secret, arn) => [
      allow(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        arn ?? `arn:${partition}:secretsmanager:${region}:${account}:secret:${secret}-??????`),
    ],
  },
  {
    id: 'dynamodb', label: 'Read and write one DynamoDB table', service: 'dynamodb', ask: 'Table name', example: 'e.g. payments',
    statements: ({ partition, region, account }, table) => [
      allow(['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:PutItem', 'dynamodb:UpdateItem',
        'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'],
      [`arn:${partition}:dynamodb:${region}:${account}:table/${table}`, `arn:${partition}:dynamodb:${region}:${account}:table/${table}/index/*`]),
    ],
  },
  {
    id: 'sqs', label: 'Send to and receive from one SQS queue', service: 'sqs', ask: 'Queue name, ARN or URL', example: 'e.g. payments-events',
    statements: ({ partition, region, account }, queue) => [
      allow(['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        `arn:${partition}:sqs:${region}:${account}:${queue}`),
    ],
  },
];

/**
 * `text` (a statements list as JSON) with a preset's statements for what the user typed
 * added: `{ text, note }`, where the note says which parts of an ARN are left as `*`
 * (no account or region known); or `{ error }`.
 */
export function withPreset(text, preset, typed, context) {
  const value = typed.trim();
  if (!value) return { error: `${preset.ask} is required` };
  const resource = named(preset.service, value, context);
  if (resource.error) return { error: `${preset.ask}: ${resource.error}` };
  // What is there already, read as the form reads it (a pasted document's statements too).
  const { statements: list, error } = parseStatements(text);
  if (error) return { error: 'fix the statements\' JSON first, then add' };
  const added = preset.statements(resource.context, resource.name, resource.arn);
  const wild = preset.service === 's3' || resource.arn ? []
    : [['account', resource.context.account], ['region', resource.context.region]].filter(([, v]) => v === '*').map(([k]) => k);
  const note = wild.length ? `The ${wild.join(' and ')} ${wild.length > 1 ? 'are' : 'is'} * in the ARN: fill in the form's ${wild.join(' and ')} (or paste the resource's ARN) to narrow it.` : '';
  return { text: JSON.stringify([...list, ...added], null, 2), note };
}
