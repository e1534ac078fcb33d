package platform

import (
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/google/go-containerregistry/pkg/authn"
)

// ECRTokenAPI is the part of the ECR client ECRAuth uses.
type ECRTokenAPI interface {
	GetAuthorizationToken(ctx context.Context, in *ecr.GetAuthorizationTokenInput, optFns ...func(*ecr.Options)) (*ecr.GetAuthorizationTokenOutput, error)
}

var ecrHostRE = regexp.MustCompile(`^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$`)

// ECRAuth gives registry credentials from ecr:GetAuthorizationToken (one
// call, reused for every image of the run; a token lasts 12 hours). It
// refuses hosts that are not ECR registries: the token goes nowhere else.
func ECRAuth(api ECRTokenAPI) Auth {
	var (
		mu   sync.Mutex
		cred *authn.Basic
	)
	return func(ctx context.Context, registry string) (authn.Authenticator, error) {
		if !ecrHostRE.MatchString(registry) {
			return nil, fmt.Errorf("platform: %s is not an ECR registry: no ECR token for it", registry)
		}
		mu.Lock()
		defer mu.Unlock()
		if cred != nil {
			return cred, nil
		}
		out, err := api.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
		if err != nil {
			return nil, fmt.Errorf("platform: ecr:GetAuthorizationToken: %w", err)
		}
		if len(out.AuthorizationData) == 0 || out.AuthorizationData[0].AuthorizationToken == nil {
			return nil, fmt.Errorf("platform: ecr:GetAuthorizationToken returned no token")
		}
		raw, err := base64.StdEncoding.DecodeString(*out.AuthorizationData[0].AuthorizationToken)
		if err != nil {
			return nil, fmt.Errorf("platform: ecr:GetAuthorizationToken: the token is not base64: %w", err)
		}
		user, pass, ok := strings.Cut(string(raw), ":")
		if !ok || user == "" || pass == "" {
			return nil, fmt.Errorf("platform: ecr:GetAuthorizationToken: the token is not user:password")
		}
		cred = &authn.Basic{Username: user, Password: pass}
		return cred, nil
	}
}
