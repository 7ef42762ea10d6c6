output "pod_role_arn" {
  description = "ARN of the pod role: the ServiceAccounts' eks.amazonaws.com/role-arn annotation."
  value       = aws_iam_role.pod.arn
}

output "pod_role_name" {
  description = "Name of the pod role."
  value       = aws_iam_role.pod.name
}

output "target_role_arns" {
  description = "Profile => ARN of the role it chains into."
  value       = { for profile, t in local.targets : profile => t.arn }
}

output "aws_config" {
  description = "The AWS config file for the pods (ship it in a ConfigMap, point AWS_CONFIG_FILE at it)."
  value       = local.aws_config
}

output "service_account_annotations" {
  description = "Annotations for the ServiceAccounts."
  value = merge(
    { "eks.amazonaws.com/role-arn" = aws_iam_role.pod.arn },
    var.regional_sts ? { "eks.amazonaws.com/sts-regional-endpoints" = "true" } : {},
    var.token_expiration == null ? {} : { "eks.amazonaws.com/token-expiration" = tostring(var.token_expiration) },
  )
}

output "oidc_provider_arns" {
  description = "Issuer (without https://) => ARN of the cluster's IAM OIDC provider the pod role trusts."
  value       = zipmap(local.issuers, local.provider_arns)
}
