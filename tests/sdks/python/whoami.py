"""whoami with boto3's default credential chain (botocore): prints the caller's ARN."""
import sys

import boto3

try:
    print(boto3.client("sts").get_caller_identity()["Arn"])
except Exception as e:  # every failure is an answer: the chain found no credentials
    print(f"error: {type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(3)
