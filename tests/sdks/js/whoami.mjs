// whoami with the AWS SDK for JavaScript v3 default Node credential chain: prints the
// caller's ARN. The SDK reads AWS_ENDPOINT_URL itself.
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";

try {
  const out = await new STSClient({}).send(new GetCallerIdentityCommand({}));
  console.log(out.Arn);
} catch (e) {
  console.error(`error: ${e.name}: ${e.message}`);
  process.exit(3);
}
