package chartrender

import (
	"encoding/json"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// Scheme knows every kind the charts in deploy/ may render: the Kubernetes
// built-ins, Gateway API v1, and small local types for the two CRDs whose
// upstream Go modules are heavy (SecretProviderClass, TargetGroupBinding).
var Scheme = runtime.NewScheme()

func init() {
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, gatewayv1.Install} {
		if err := add(Scheme); err != nil {
			panic(err)
		}
	}
	Scheme.AddKnownTypes(SecretProviderClassGV, &SecretProviderClass{})
	Scheme.AddKnownTypes(TargetGroupBindingGV, &TargetGroupBinding{})
}

// SecretProviderClassGV is the Secrets Store CSI driver's API group.
var SecretProviderClassGV = schema.GroupVersion{Group: "secrets-store.csi.x-k8s.io", Version: "v1"}

// SecretProviderClass mirrors sigs.k8s.io/secrets-store-csi-driver/apis/v1
// (spec fields only; status is never rendered).
type SecretProviderClass struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              SecretProviderClassSpec `json:"spec,omitempty"`
}

// SecretProviderClassSpec says which provider fetches what.
type SecretProviderClassSpec struct {
	Provider      string            `json:"provider,omitempty"`
	Parameters    map[string]string `json:"parameters,omitempty"`
	SecretObjects []SecretObject    `json:"secretObjects,omitempty"`
}

// SecretObject syncs mounted content into a Kubernetes Secret.
type SecretObject struct {
	SecretName  string              `json:"secretName,omitempty"`
	Type        string              `json:"type,omitempty"`
	Labels      map[string]string   `json:"labels,omitempty"`
	Annotations map[string]string   `json:"annotations,omitempty"`
	Data        []SecretObjectEntry `json:"data,omitempty"`
}

// SecretObjectEntry is one key of a synced Secret.
type SecretObjectEntry struct {
	ObjectName string `json:"objectName,omitempty"`
	Key        string `json:"key,omitempty"`
}

// DeepCopyObject implements runtime.Object.
func (s *SecretProviderClass) DeepCopyObject() runtime.Object {
	return deepCopy(s, &SecretProviderClass{})
}

// TargetGroupBindingGV is AWS Load Balancer Controller's API group.
var TargetGroupBindingGV = schema.GroupVersion{Group: "elbv2.k8s.aws", Version: "v1beta1"}

// TargetGroupBinding mirrors
// sigs.k8s.io/aws-load-balancer-controller/apis/elbv2/v1beta1 (v3.x spec).
type TargetGroupBinding struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              TargetGroupBindingSpec `json:"spec,omitempty"`
}

// TargetGroupBindingSpec binds a Service's endpoints to a target group.
type TargetGroupBindingSpec struct {
	TargetGroupARN          string                        `json:"targetGroupARN,omitempty"`
	TargetGroupName         string                        `json:"targetGroupName,omitempty"`
	MultiClusterTargetGroup bool                          `json:"multiClusterTargetGroup,omitempty"`
	TargetType              *string                       `json:"targetType,omitempty"`
	TargetGroupProtocol     *string                       `json:"targetGroupProtocol,omitempty"`
	ServiceRef              ServiceReference              `json:"serviceRef"`
	Networking              *TargetGroupBindingNetworking `json:"networking,omitempty"`
	NodeSelector            *metav1.LabelSelector         `json:"nodeSelector,omitempty"`
	IPAddressType           *string                       `json:"ipAddressType,omitempty"`
	VpcID                   string                        `json:"vpcID,omitempty"`
	IamRoleArnToAssume      string                        `json:"iamRoleArnToAssume,omitempty"`
	AssumeRoleExternalID    string                        `json:"assumeRoleExternalId,omitempty"`
}

// ServiceReference names the Service and port whose endpoints are registered.
type ServiceReference struct {
	Name string             `json:"name"`
	Port intstr.IntOrString `json:"port"`
}

// TargetGroupBindingNetworking asks the controller to manage security group rules.
type TargetGroupBindingNetworking struct {
	Ingress []NetworkingIngressRule `json:"ingress,omitempty"`
}

// NetworkingIngressRule is one managed rule.
type NetworkingIngressRule struct {
	From  []NetworkingPeer `json:"from"`
	Ports []NetworkingPort `json:"ports"`
}

// NetworkingPeer is a CIDR or a security group.
type NetworkingPeer struct {
	IPBlock       *IPBlock       `json:"ipBlock,omitempty"`
	SecurityGroup *SecurityGroup `json:"securityGroup,omitempty"`
}

// IPBlock is a CIDR peer.
type IPBlock struct {
	CIDR string `json:"cidr"`
}

// SecurityGroup is a security group peer.
type SecurityGroup struct {
	GroupID string `json:"groupID"`
}

// NetworkingPort is a protocol and port.
type NetworkingPort struct {
	Protocol *string             `json:"protocol,omitempty"`
	Port     *intstr.IntOrString `json:"port,omitempty"`
}

// DeepCopyObject implements runtime.Object.
func (t *TargetGroupBinding) DeepCopyObject() runtime.Object {
	return deepCopy(t, &TargetGroupBinding{})
}

// deepCopy copies through JSON: these types only carry JSON-representable data.
func deepCopy[T runtime.Object](src, dst T) runtime.Object {
	data, err := json.Marshal(src)
	if err != nil {
		panic(err)
	}
	if err := json.Unmarshal(data, dst); err != nil {
		panic(err)
	}
	return dst
}
