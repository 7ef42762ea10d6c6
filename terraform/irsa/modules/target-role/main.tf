# A role the irsa pod role may assume (sts:AssumeRole), with its own permissions. Used by
# the irsa module for roles in its account; call it directly, with that account's
# provider, for a role in another account.

terraform {
  required_version = ">= 1.3"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.81, < 7.0"
    }
  }
}

variable "name" {
  description = "Name of the role."
  type        = string
}

variable "trusted_role_arn" {
  description = "ARN of the pod role allowed to assume this role."
  type        = string
}

variable "external_id" {
  description = "External ID the pod role must present (sts:ExternalId condition)."
  type        = string
  default     = null
}

variable "path" {
  description = "Role path, / or /a/b/."
  type        = string
  default     = "/"
  nullable    = false
}

variable "max_session_duration" {
  description = "Maximum session duration in seconds (3600-43200). Chained sessions last at most 3600 s."
  type        = number
  default     = 3600
  nullable    = false
}

variable "permissions_boundary" {
  description = "ARN of the permissions boundary policy."
  type        = string
  default     = null
}

variable "managed_policy_arns" {
  description = "Managed policies to attach."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "inline_policy_statements" {
  description = "IAM statements (Effect, Action, Resource, ...) of the role's inline policy."
  type        = any
  default     = []
  nullable    = false
}

variable "source_policy_documents" {
  description = "Policy documents in JSON (aws_iam_policy_document's json) whose statements join inline_policy_statements in the role's inline policy. A list, so that its length is known while the documents are not."
  type        = list(string)
  default     = []
  nullable    = false
  validation {
    condition     = alltrue([for d in var.source_policy_documents : can(jsondecode(d).Statement[0].Effect) || can(jsondecode(d).Statement.Effect)])
    error_message = "Each source policy document is a policy in JSON whose Statement is a statement or a list of them, as aws_iam_policy_document's json gives."
  }
}

variable "tags" {
  description = "Tags of the role."
  type        = map(string)
  default     = {}
  nullable    = false
}

locals {
  trust = {
    Version = "2012-10-17"
    Statement = [merge(
      {
        Sid       = "IrsaPodRole1"
        Effect    = "Allow"
        Principal = { AWS = var.trusted_role_arn }
        Action    = "sts:AssumeRole"
      },
      var.external_id == null ? {} : { Condition = { StringEquals = { "sts:ExternalId" = var.external_id } } },
    )]
  }
}

resource "aws_iam_role" "this" {
  name                 = var.name
  path                 = var.path
  max_session_duration = var.max_session_duration
  permissions_boundary = var.permissions_boundary
  assume_role_policy   = jsonencode(local.trust)
  tags                 = var.tags
}

resource "aws_iam_role_policy" "this" {
  count  = length(var.inline_policy_statements) + length(var.source_policy_documents) > 0 ? 1 : 0
  name   = "irsa"
  role   = aws_iam_role.this.id
  policy = jsonencode({ Version = "2012-10-17", Statement = concat(var.inline_policy_statements, flatten([for d in var.source_policy_documents : jsondecode(d).Statement])) })
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each = toset(var.managed_policy_arns)
  # The id, unknown while the role is replaced (a new path): attached to the new role.
  role       = aws_iam_role.this.id
  policy_arn = each.value
}

output "arn" {
  description = "ARN of the role."
  value       = aws_iam_role.this.arn
}

output "name" {
  description = "Name of the role."
  value       = aws_iam_role.this.name
}
