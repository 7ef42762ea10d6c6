variable "clusters" {
  description = "OIDC issuer URLs of the clusters whose service accounts may assume the pod role (their IAM OIDC providers are looked up, or created with create_oidc_provider)."
  type        = list(string)
  default     = []
  nullable    = false
  validation {
    condition     = alltrue([for u in var.clusters : can(regex("^https://[a-z0-9.-]+(/[A-Za-z0-9._~-]+)*$", u))])
    error_message = "Each cluster must be an https:// issuer URL without a port, query, fragment or trailing slash."
  }
  validation {
    condition     = length(distinct(var.clusters)) == length(var.clusters)
    error_message = "A cluster is listed twice."
  }
}

variable "oidc_provider_arns" {
  description = "ARNs of the clusters' IAM OIDC providers, instead of or besides clusters: what terraform-aws-eks outputs as oidc_provider_arn. Nothing of them is looked up, so they may be created in the same apply; they must be in the pod role's account (read by sts:GetCallerIdentity at plan)."
  type        = list(string)
  default     = []
  nullable    = false
  validation {
    condition     = alltrue([for a in var.oidc_provider_arns : can(regex("^arn:[a-z-]+:iam::[0-9]{12}:oidc-provider/[a-z0-9.-]+(/[A-Za-z0-9._~-]+)*$", a))])
    error_message = "Each OIDC provider ARN must be arn:PARTITION:iam::ACCOUNT:oidc-provider/ISSUER."
  }
  validation {
    condition     = length(distinct(var.oidc_provider_arns)) == length(var.oidc_provider_arns)
    error_message = "An OIDC provider ARN is listed twice."
  }
}

variable "service_accounts" {
  description = "Service accounts (namespace/name) the pod role trusts."
  type        = list(string)
  nullable    = false
  validation {
    condition     = length(var.service_accounts) > 0 && alltrue([for s in var.service_accounts : can(regex("^[a-z0-9*?]([-a-z0-9*?]*[a-z0-9*?])?/[a-z0-9*?]([-a-z0-9.*?]*[a-z0-9*?])?$", s))])
    error_message = "Each service account must be namespace/name."
  }
  validation {
    condition     = length(distinct(var.service_accounts)) == length(var.service_accounts)
    error_message = "A service account is listed twice."
  }
}

variable "account_id" {
  description = "The account the pod role belongs in (12 digits). Set, plan and apply fail with credentials for any other account (a wrong AWS_PROFILE) instead of creating the roles there; destroy only warns (preconditions do), so pin the provider too (allowed_account_ids), as the generated call does."
  type        = string
  default     = null
  validation {
    condition     = var.account_id == null || can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id is an AWS account ID: 12 digits."
  }
}

variable "subject_patterns" {
  description = "Allow * and ? in service_accounts (written with StringLike)."
  type        = bool
  default     = false
  nullable    = false
}

variable "role_name" {
  description = "Name of the pod role."
  type        = string
  nullable    = false
  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.role_name))
    error_message = "A role name is 1-64 characters of letters, digits and +=,.@_-."
  }
}

variable "path" {
  description = "Path of the pod role."
  type        = string
  default     = "/"
  nullable    = false
  validation {
    condition     = length(var.path) <= 512 && can(regex("^/([!-.0-~]+/)*$", var.path))
    error_message = "A path starts and ends with /, has no empty segment, is at most 512 characters and only printable ASCII characters."
  }
}

variable "max_session_duration" {
  description = "Maximum session duration of the pod role in seconds (3600-43200)."
  type        = number
  default     = 3600
  nullable    = false
  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200 && floor(var.max_session_duration) == var.max_session_duration
    error_message = "max_session_duration must be a whole number of seconds from 3600 to 43200."
  }
}

variable "permissions_boundary" {
  description = "ARN of the pod role's permissions boundary."
  type        = string
  default     = null
  validation {
    condition     = var.permissions_boundary == null ? true : can(regex("^arn:[a-z-]+:iam::([0-9]{12}|aws):policy/.+$", var.permissions_boundary))
    error_message = "permissions_boundary is a policy ARN: arn:PARTITION:iam::ACCOUNT:policy/NAME."
  }
}

variable "managed_policy_arns" {
  description = "Managed policies attached to the pod role (10 unless the account's quota was raised, 25 at most)."
  type        = list(string)
  default     = []
  nullable    = false
  validation {
    condition     = length(var.managed_policy_arns) <= 25
    error_message = "IAM attaches at most 25 managed policies to a role (10 unless the quota was raised): merge some into one customer managed policy."
  }
  validation {
    condition     = alltrue([for a in var.managed_policy_arns : can(regex("^arn:[a-z-]+:iam::([0-9]{12}|aws):policy/.+$", a))])
    error_message = "Each managed policy is a policy ARN: arn:PARTITION:iam::ACCOUNT:policy/NAME (or iam::aws: for AWS's own)."
  }
}

variable "source_policy_documents" {
  description = "Policy documents in JSON (aws_iam_policy_document's json) whose statements join inline_policy_statements in the pod role's inline policy. A list, so that its length is known while the documents are not."
  type        = list(string)
  default     = []
  nullable    = false
  validation {
    condition     = alltrue([for d in var.source_policy_documents : can(jsondecode(d).Statement[0].Effect) || can(jsondecode(d).Statement.Effect)])
    error_message = "Each source policy document is a policy in JSON whose Statement is a statement or a list of them, as aws_iam_policy_document's json gives."
  }
}

variable "inline_policy_statements" {
  description = "IAM statements added to the pod role's inline policy (after sts:AssumeRole on the targets)."
  type        = any
  default     = []
  nullable    = false
  validation {
    condition     = can([for s in var.inline_policy_statements : s.Effect])
    error_message = "inline_policy_statements is a list of IAM statements, each with its Effect (not a JSON string: use source_policy_documents for those)."
  }
}

variable "tags" {
  description = "Tags of the pod role."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "assume" {
  description = "Profiles chaining into roles created elsewhere: profile => { role_arn, external_id, duration_seconds, role_session_name }."
  type = map(object({
    role_arn          = string
    external_id       = optional(string)
    duration_seconds  = optional(number)
    role_session_name = optional(string)
  }))
  default  = {}
  nullable = false
  validation {
    condition     = alltrue([for p in keys(var.assume) : can(regex("^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,63}$", p))])
    error_message = "A profile name is 1-64 letters, digits and _.@+-, starting with a letter or digit."
  }
  validation {
    condition     = alltrue([for t in values(var.assume) : can(regex("^arn:[a-z-]+:iam::[0-9]{12}:role/.+$", t.role_arn))])
    error_message = "An assume entry's role_arn is a role ARN: arn:PARTITION:iam::ACCOUNT:role/NAME."
  }
  validation {
    condition     = alltrue([for t in values(var.assume) : t.external_id == null ? true : try(length(t.external_id) >= 2 && length(t.external_id) <= 1224 && can(regex("^[\\w+=,.@:/-]+$", t.external_id)), false)])
    error_message = "An external_id is 2-1224 letters, digits and _+=,.@:/-."
  }
  validation {
    condition     = alltrue([for t in values(var.assume) : t.role_session_name == null ? true : can(regex("^[\\w+=,.@-]{2,64}$", t.role_session_name))])
    error_message = "A role_session_name is 2-64 letters, digits and _+=,.@-."
  }
  validation {
    condition     = alltrue([for t in values(var.assume) : t.duration_seconds == null ? true : (t.duration_seconds >= 900 && t.duration_seconds <= 3600 && floor(t.duration_seconds) == t.duration_seconds)])
    error_message = "A chained profile's duration_seconds is a whole number from 900 to 3600: IAM caps a role-chained session at one hour."
  }
}

variable "target_roles" {
  description = "Profiles chaining into roles this module creates in the pod role's account."
  type = map(object({
    name                    = string
    external_id             = optional(string)
    path                    = optional(string, "/")
    max_session_duration    = optional(number, 3600)
    permissions_boundary    = optional(string)
    managed_policy_arns     = optional(list(string), [])
    source_policy_documents = optional(list(string), [])
    tags                    = optional(map(string), {})
    duration_seconds        = optional(number)
    role_session_name       = optional(string)
  }))
  default  = {}
  nullable = false
  validation {
    condition     = alltrue([for p in keys(var.target_roles) : can(regex("^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,63}$", p))])
    error_message = "A profile name is 1-64 letters, digits and _.@+-, starting with a letter or digit."
  }
  validation {
    condition     = alltrue([for t in values(var.target_roles) : can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", t.name))])
    error_message = "A target's name is 1-64 characters of letters, digits and +=,.@_-."
  }
  validation {
    condition     = alltrue([for t in values(var.target_roles) : t.external_id == null ? true : try(length(t.external_id) >= 2 && length(t.external_id) <= 1224 && can(regex("^[\\w+=,.@:/-]+$", t.external_id)), false)])
    error_message = "An external_id is 2-1224 letters, digits and _+=,.@:/-."
  }
  validation {
    condition     = alltrue([for t in values(var.target_roles) : alltrue([for a in concat(t.managed_policy_arns, t.permissions_boundary == null ? [] : [t.permissions_boundary]) : can(regex("^arn:[a-z-]+:iam::([0-9]{12}|aws):policy/.+$", a))])])
    error_message = "A target's managed_policy_arns and permissions_boundary are policy ARNs: arn:PARTITION:iam::ACCOUNT:policy/NAME."
  }
  validation {
    condition     = alltrue([for t in values(var.target_roles) : t.max_session_duration >= 3600 && t.max_session_duration <= 43200 && floor(t.max_session_duration) == t.max_session_duration])
    error_message = "A target's max_session_duration is a whole number of seconds from 3600 to 43200."
  }
  validation {
    condition     = alltrue([for t in values(var.target_roles) : length(t.path) <= 512 && can(regex("^/([!-.0-~]+/)*$", t.path))])
    error_message = "A target's path starts and ends with /, has no empty segment, is at most 512 characters and only printable ASCII characters."
  }
  validation {
    condition     = alltrue([for t in values(var.target_roles) : t.role_session_name == null ? true : can(regex("^[\\w+=,.@-]{2,64}$", t.role_session_name))])
    error_message = "A role_session_name is 2-64 letters, digits and _+=,.@-."
  }
  validation {
    condition     = alltrue([for t in values(var.target_roles) : t.duration_seconds == null ? true : (t.duration_seconds >= 900 && t.duration_seconds <= 3600 && floor(t.duration_seconds) == t.duration_seconds)])
    error_message = "A chained profile's duration_seconds is a whole number from 900 to 3600: IAM caps a role-chained session at one hour."
  }
}

variable "trust_policy_quota" {
  description = "IAM's role trust policy length quota in the account (2048 unless raised, at most 8192): a longer trust policy is refused at plan."
  type        = number
  default     = 2048
  nullable    = false
  validation {
    condition     = var.trust_policy_quota >= 1 && var.trust_policy_quota <= 8192
    error_message = "trust_policy_quota is 1 to 8192 characters."
  }
}

variable "create_oidc_provider" {
  description = "Create the clusters' IAM OIDC providers instead of looking them up. The module then owns them: set it on one module per cluster only (a second fails with EntityAlreadyExists), and destroying that module deletes the providers, which every IRSA role of those clusters needs."
  type        = bool
  default     = false
  nullable    = false
}

variable "pod_profile" {
  description = "Profile name of the pod role in the AWS config file."
  type        = string
  default     = "default"
  nullable    = false
  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,63}$", var.pod_profile))
    error_message = "A profile name is 1-64 letters, digits and _.@+-, starting with a letter or digit."
  }
}

variable "duration_seconds" {
  description = "duration_seconds of the pod role's profile (900-43200, at most max_session_duration)."
  type        = number
  default     = null
  validation {
    condition     = var.duration_seconds == null ? true : (var.duration_seconds >= 900 && var.duration_seconds <= 43200 && floor(var.duration_seconds) == var.duration_seconds)
    error_message = "duration_seconds is a whole number from 900 to 43200."
  }
}

variable "role_session_name" {
  description = "role_session_name of every profile (a target's own role_session_name comes first)."
  type        = string
  default     = null
  validation {
    condition     = var.role_session_name == null ? true : can(regex("^[\\w+=,.@-]{2,64}$", var.role_session_name))
    error_message = "A role_session_name is 2-64 letters, digits and _+=,.@-."
  }
}

variable "token_expiration" {
  description = "Lifetime in seconds of the service account token the webhook projects (eks.amazonaws.com/token-expiration; at least 600)."
  type        = number
  default     = null
  validation {
    condition     = var.token_expiration == null ? true : (var.token_expiration >= 600 && var.token_expiration <= 4294967295 && floor(var.token_expiration) == var.token_expiration)
    error_message = "token_expiration is a whole number of seconds from 600 to 4294967295."
  }
}

variable "regional_sts" {
  description = "Set sts_regional_endpoints = regional in every profile."
  type        = bool
  default     = false
  nullable    = false
}
