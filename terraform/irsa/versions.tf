terraform {
  # 1.5: check blocks.
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.81: the first that creates an OIDC provider without thumbprints (IAM no longer
      # needs them for EKS issuers).
      version = ">= 5.81, < 7.0"
    }
  }
}
