// whoami with the AWS SDK for Go v1 default credential chain: prints the caller's ARN.
// The endpoint is set in code: this SDK has no AWS_ENDPOINT_URL.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/session"
	"github.com/aws/aws-sdk-go/service/sts"
)

func main() {
	sess, err := session.NewSessionWithOptions(session.Options{
		Config: aws.Config{Endpoint: aws.String(os.Getenv("AWS_ENDPOINT_URL"))},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(3)
	}
	out, err := sts.New(sess).GetCallerIdentity(&sts.GetCallerIdentityInput{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(3)
	}
	fmt.Println(*out.Arn)
}
