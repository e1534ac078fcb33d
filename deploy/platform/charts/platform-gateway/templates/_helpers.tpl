{{- define "platform-gateway.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: platform
{{- end }}

{{/* The data-plane Service NGINX Gateway Fabric provisions for the Gateway. */}}
{{- define "platform-gateway.serviceName" -}}
{{- $name := printf "%s-%s" .Values.gateway.name .Values.gateway.gatewayClassName }}
{{- if gt (len $name) 63 }}
{{- fail (printf "gateway.name and gatewayClassName give the Service name %q, longer than 63 characters (NGINX Gateway Fabric would hash it)" $name) }}
{{- end }}
{{- $name }}
{{- end }}
