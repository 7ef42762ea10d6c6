// "What can the pod do?": IAM statements for common needs, each scoped to one resource,
// for the statement builder of the pod role and of each profile's role.

import { partitionOfRegion } from './form-model.js';

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

export const PRESETS = [
  {
    id: 's3-read', label: 'Read one S3 bucket', ask: 'Bucket name', example: 'e.g. payments-reports',
    statements: ({ partition }, bucket) => [
      allow('s3:ListBucket', `arn:${partition}:s3:::${bucket}`),
      allow('s3:GetObject', `arn:${partition}:s3:::${bucket}/*`),
    ],
  },
  {
    id: 's3-write', label: 'Read and write one S3 bucket', ask: 'Bucket name', example: 'e.g. payments-uploads',
    statements: ({ partition }, bucket) => [
      allow('s3:ListBucket', `arn:${partition}:s3:::${bucket}`),
      allow(['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], `arn:${partition}:s3:::${bucket}/*`),
    ],
  },
  {
    // Secrets Manager appends six random characters to a secret's name in its ARN.
    id: 'secret-read', label: 'Read one Secrets Manager secret', ask: 'Secret name or ARN', example: 'e.g. payments/db',
    statements: ({ partition, region, account }, secret) => [
      allow(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        secret.startsWith('arn:') ? secret : `arn:${partition}:secretsmanager:${region}:${account}:secret:${secret}-??????`),
    ],
  },
  {
    id: 'dynamodb', label: 'Read and write one DynamoDB table', ask: 'Table name', example: 'e.g. payments',
    statements: ({ partition, region, account }, table) => [
      allow(['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:PutItem', 'dynamodb:UpdateItem',
        'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'],
      [`arn:${partition}:dynamodb:${region}:${account}:table/${table}`, `arn:${partition}:dynamodb:${region}:${account}:table/${table}/index/*`]),
    ],
  },
  {
    id: 'sqs', label: 'Send to and receive from one SQS queue', ask: 'Queue name', example: 'e.g. payments-events',
    statements: ({ partition, region, account }, queue) => [
      allow(['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        `arn:${partition}:sqs:${region}:${account}:${queue}`),
    ],
  },
];

/**
 * `text` (a statements list as JSON) with a preset's statements for `name` added, or
 * `{ error }` when the name is empty or the text is not a list to add to.
 */
export function withPreset(text, preset, name, context) {
  const value = name.trim();
  if (!value) return { error: `${preset.ask} is required` };
  if (/[\s"*?]/.test(value)) return { error: `${preset.ask}: one name, without spaces, quotes or wildcards` };
  let list = [];
  if (text.trim()) {
    try {
      list = [JSON.parse(text)].flat();
    } catch {
      return { error: 'fix the statements\' JSON first, then add' };
    }
  }
  return { text: JSON.stringify([...list, ...preset.statements(context, value)], null, 2) };
}
