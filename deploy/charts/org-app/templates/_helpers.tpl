{{/* Name of the chart, or nameOverride. */}}
{{- define "org-app.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Resource name prefix: fullnameOverride, else the release name (containing the chart name or not). */}}
{{- define "org-app.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "org-app.canaryName" -}}
{{- printf "%s-canary" (include "org-app.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "org-app.labels" -}}
app.kubernetes.io/name: {{ include "org-app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{ include "org-app.extraLabels" . }}
{{- end }}

{{/* Labels besides name and instance (pod templates add them to their selector labels). */}}
{{- define "org-app.extraLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: org-app
{{- end }}

{{/* Selector of org-app's pods. */}}
{{- define "org-app.selectorLabels" -}}
app.kubernetes.io/name: {{ include "org-app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: api
{{- end }}

{{/* Selector of the canary Deployment's pods. */}}
{{- define "org-app.canarySelectorLabels" -}}
app.kubernetes.io/name: {{ include "org-app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: canary
{{- end }}

{{/* An image reference from {repository, tag, digest}: by digest when set. Args: list image defaultTag. */}}
{{- define "org-app.imageRef" -}}
{{- $img := index . 0 }}
{{- $defaultTag := index . 1 }}
{{- if $img.digest }}
{{- printf "%s@%s" $img.repository $img.digest }}
{{- else }}
{{- printf "%s:%s" $img.repository (default $defaultTag $img.tag) }}
{{- end }}
{{- end }}

{{- define "org-app.image" -}}
{{- if and .Values.image.digestRequired (not .Values.image.digest) }}
{{- fail "image.digest is required when image.digestRequired is true: pass --set image.digest=sha256:<64 hex> (the digest `make image` prints, as pushed to ECR)" }}
{{- end }}
{{- include "org-app.imageRef" (list .Values.image .Chart.AppVersion) }}
{{- end }}

{{/* A third-party (sidecar) image, by digest when image.digestRequired: platformdeploy
app-values -resolve-digests resolves the tag in the region's registry at release time.
Args: list root key image ("fluentBit.image", .Values.fluentBit.image). */}}
{{- define "org-app.sidecarImage" -}}
{{- $root := index . 0 }}
{{- $key := index . 1 }}
{{- $img := index . 2 }}
{{- if and $root.Values.image.digestRequired (not $img.digest) }}
{{- fail (printf "%s.digest is required when image.digestRequired is true (%s:%s is a tag; tags move): pass the values of `platformdeploy app-values -resolve-digests` (scripts/ci/release.sh install does) or --set %s.digest=sha256:<64 hex> (the digest the tag resolves to in the region's ECR pull-through cache)" $key $img.repository ($img.tag | toString) $key) }}
{{- end }}
{{- include "org-app.imageRef" (list $img "") }}
{{- end }}

{{/* The canary image: canary.image, or org-app's image when its repository is empty. */}}
{{- define "org-app.canaryImage" -}}
{{- if .Values.canary.image.repository }}
{{- if and .Values.image.digestRequired (not .Values.canary.image.digest) }}
{{- fail "canary.image.digest is required when image.digestRequired is true and canary.image.repository is set: pass --set canary.image.digest=sha256:<64 hex>, or leave canary.image.repository empty to run org-app's image (the canary binary ships in it)" }}
{{- end }}
{{- include "org-app.imageRef" (list .Values.canary.image .Chart.AppVersion) }}
{{- else }}
{{- include "org-app.image" . }}
{{- end }}
{{- end }}

{{/* Whole seconds of a duration written as "<n>s" (the schema allows only that form). */}}
{{- define "org-app.seconds" -}}
{{- $s := toString . }}
{{- if not (regexMatch "^[0-9]+s$" $s) }}
{{- fail (printf "duration %q must be whole seconds such as 20s" $s) }}
{{- end }}
{{- trimSuffix "s" $s | atoi }}
{{- end }}

{{/* The pod's termination grace period: preStop sleep + drain + shutdown + 5 s margin. */}}
{{- define "org-app.terminationGracePeriodSeconds" -}}
{{- $drain := include "org-app.seconds" (.Values.config.server.drainDelay | default "5s") | atoi }}
{{- $shutdown := include "org-app.seconds" (.Values.config.server.shutdownTimeout | default "20s") | atoi }}
{{- add .Values.preStopSleepSeconds $drain $shutdown 5 }}
{{- end }}

{{- define "org-app.apiPort" -}}{{ .Values.config.port | default 8080 }}{{- end }}
{{- define "org-app.healthPort" -}}{{ (.Values.config.healthcheck).port | default 8081 }}{{- end }}
{{- define "org-app.metricsPort" -}}{{ (.Values.config.metrics).port | default 8000 }}{{- end }}

{{/* In-cluster base URLs of the Service, by its fully qualified DNS name. */}}
{{- define "org-app.serviceURL" -}}
{{- printf "http://%s.%s.svc.cluster.local:%v" (include "org-app.fullname" .) .Release.Namespace .Values.service.port }}
{{- end }}

{{/* Paths inside the pods. */}}
{{- define "org-app.secretDir" -}}/var/run/secrets/org-app{{- end }}
{{- define "org-app.secretFile" -}}{{ include "org-app.secretDir" . }}/devops-secret{{- end }}
{{- define "org-app.logDir" -}}/var/log/org-app{{- end }}
{{- define "org-app.logFile" -}}{{ include "org-app.logDir" . }}/org-app.log{{- end }}
{{- define "org-app.canaryLogDir" -}}/var/log/canary{{- end }}
{{- define "org-app.canaryEMFFile" -}}{{ include "org-app.canaryLogDir" . }}/emf.log{{- end }}

{{/* The restricted container security context every container uses. */}}
{{- define "org-app.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "org-app.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* The volume that holds DEVOPS_SECRET_FILE, from the CSI driver or a Secret. */}}
{{- define "org-app.secretVolume" -}}
- name: devops-secret
{{- if eq .Values.secret.source "csi" }}
  csi:
    driver: secrets-store.csi.k8s.io
    readOnly: true
    volumeAttributes:
      secretProviderClass: {{ include "org-app.fullname" . }}
{{- else }}
  secret:
    secretName: {{ required "secret.existingSecret.name is required when secret.source is existingSecret" .Values.secret.existingSecret.name }}
    defaultMode: 0440
    items:
      - key: {{ .Values.secret.existingSecret.key }}
        path: devops-secret
{{- end }}
{{- end }}

{{/* A Fluent Bit native sidecar. Args: dict root, name, configMap, logVolume, logDir. */}}
{{- define "org-app.fluentBitSidecar" -}}
{{- $root := .root -}}
- name: {{ .name }}
  image: {{ include "org-app.sidecarImage" (list $root "fluentBit.image" $root.Values.fluentBit.image) }}
  imagePullPolicy: IfNotPresent
  restartPolicy: Always
  command: ["/fluent-bit/bin/fluent-bit", "-c", "/fluent-bit/etc/fluent-bit.conf"]
  env:
    - name: POD_NAME
      valueFrom:
        fieldRef:
          fieldPath: metadata.name
    - name: POD_NAMESPACE
      valueFrom:
        fieldRef:
          fieldPath: metadata.namespace
  ports:
    - name: flb-http
      containerPort: 2020
      protocol: TCP
  startupProbe:
    httpGet:
      path: /api/v1/health
      port: flb-http
    periodSeconds: 2
    failureThreshold: 30
  livenessProbe:
    httpGet:
      path: /api/v1/health
      port: flb-http
    periodSeconds: 20
    timeoutSeconds: 3
    failureThreshold: 3
  resources:
    {{- toYaml $root.Values.fluentBit.resources | nindent 4 }}
  securityContext:
    {{- include "org-app.containerSecurityContext" $root | nindent 4 }}
  volumeMounts:
    - name: {{ .configMapVolume }}
      mountPath: /fluent-bit/etc
      readOnly: true
    - name: {{ .logVolume }}
      mountPath: {{ .logDir }}
      readOnly: true
    - name: {{ .stateVolume }}
      mountPath: /fluent-bit/state
{{- end }}
