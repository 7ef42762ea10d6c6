# whoami with the AWS SDK for Ruby default credential chain: prints the caller's ARN.
# Debian's aws-sdk-core predates AWS_ENDPOINT_URL: every STS client, the credential
# providers' included, takes the endpoint from Aws.config.
require 'aws-sdk-core'

Aws.config[:sts] = { endpoint: ENV.fetch('AWS_ENDPOINT_URL') }
begin
  puts Aws::STS::Client.new.get_caller_identity.arn
rescue StandardError => e
  warn "error: #{e.class}: #{e.message}"
  exit 3
end
