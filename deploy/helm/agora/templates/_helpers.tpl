{{/* Chart name, truncated to the 63 characters Kubernetes names allow. */}}
{{- define "agora.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-wide prefix: "agora" for a release called agora, "<release>-agora" otherwise. */}}
{{- define "agora.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "agora.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The deployable components as a JSON map: name -> values plus "name" and "kind"
(kind: service | gateway). Disabled services are left out. Use:
  range $name, $c := include "agora.components" . | fromJson
*/}}
{{- define "agora.components" -}}
{{- $out := dict -}}
{{- range $name, $svc := .Values.services -}}
{{- if $svc.enabled -}}
{{- $_ := set $out $name (merge (dict "name" $name "kind" "service") (deepCopy $svc)) -}}
{{- end -}}
{{- end -}}
{{- $_ := set $out "gateway" (merge (dict "name" "gateway" "kind" "gateway") (deepCopy .Values.gateway)) -}}
{{- toJson $out -}}
{{- end -}}

{{/* Name of one component's objects: <fullname>-<component>. Call with (list $ "registry"). */}}
{{- define "agora.componentName" -}}
{{- $root := index . 0 -}}
{{- printf "%s-%s" (include "agora.fullname" $root) (index . 1) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "agora.labels" -}}
helm.sh/chart: {{ include "agora.chart" . }}
app.kubernetes.io/name: {{ include "agora.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: agora
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Labels of one component. Call with (list $ "registry"). */}}
{{- define "agora.componentLabels" -}}
{{- $root := index . 0 -}}
{{ include "agora.labels" $root }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "agora.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ include "agora.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{/* Every pod of this release (gateway and services), for NetworkPolicy peers. */}}
{{- define "agora.releasePodSelector" -}}
app.kubernetes.io/name: {{ include "agora.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Image of a component: [<registry>/]agora/<component>:<tag>. Call with (list $ "registry"). */}}
{{- define "agora.image" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $tag := default $root.Chart.AppVersion $root.Values.image.tag -}}
{{- if $root.Values.image.registry -}}
{{- printf "%s/agora/%s:%s" (trimSuffix "/" $root.Values.image.registry) $name $tag -}}
{{- else -}}
{{- printf "agora/%s:%s" $name $tag -}}
{{- end -}}
{{- end -}}

{{- define "agora.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "agora.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Secret names: the existing Secret when given, otherwise the one the chart creates. */}}
{{- define "agora.rabbitmqSecret" -}}
{{- default (printf "%s-rabbitmq" (include "agora.fullname" .)) .Values.rabbitmq.existingSecret -}}
{{- end -}}
{{- define "agora.dbSecret" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $svc := index $root.Values.services $name -}}
{{- default (printf "%s-%s-db" (include "agora.fullname" $root) $name) $svc.database.existingSecret -}}
{{- end -}}
{{- define "agora.registryKeysSecret" -}}
{{- default (printf "%s-registry-keys" (include "agora.fullname" .)) .Values.registryKeys.existingSecret -}}
{{- end -}}
{{- define "agora.clientSecretsSecret" -}}
{{- default (printf "%s-oidc-clients" (include "agora.fullname" .)) .Values.identity.clientSecrets.existingSecret -}}
{{- end -}}
{{/* Where the registry's key files are mounted (read-only, from the registry-keys Secret). */}}
{{- define "agora.registryKeysDir" -}}/etc/agora/registry-keys{{- end -}}

{{/* Registry key-file settings (the Deployment and the migration Job: both build the host, which loads the keys). */}}
{{- define "agora.registryKeyEnv" -}}
Registry__Keys__GenerateIfMissing: "false"
Registry__Privacy__KeyFile: {{ printf "%s/privacy.key" (include "agora.registryKeysDir" .) | quote }}
Registry__Identity__SigningKeyFile: {{ printf "%s/signing.pem" (include "agora.registryKeysDir" .) | quote }}
Registry__Identity__EncryptionKeyFile: {{ printf "%s/encryption.pem" (include "agora.registryKeysDir" .) | quote }}
{{- end -}}
{{- define "agora.smtpSecret" -}}
{{- default (printf "%s-smtp" (include "agora.fullname" .)) .Values.smtp.existingSecret -}}
{{- end -}}
{{- define "agora.smsSecret" -}}
{{- default (printf "%s-sms" (include "agora.fullname" .)) .Values.sms.existingSecret -}}
{{- end -}}

{{/* Pod-level settings shared by the Deployments and the migration Jobs. */}}
{{- define "agora.podCommon" -}}
automountServiceAccountToken: false
enableServiceLinks: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
Non-secret environment of one component (the ConfigMap's data). Call with (list $ $component).
Names follow the code's configuration keys with ":" written as "__".
*/}}
{{- define "agora.configEnv" -}}
{{- $root := index . 0 -}}
{{- $c := index . 1 -}}
ASPNETCORE_ENVIRONMENT: {{ $root.Values.environment | quote }}
Agora__ListenAddress: "0.0.0.0"
Agora__RestPort: {{ $c.restPort | int | quote }}
Agora__GrpcPort: {{ $c.grpcPort | int | quote }}
Agora__Auth__Authority: {{ default (printf "http://%s:%d/" (include "agora.componentName" (list $root "registry")) ($root.Values.services.registry.restPort | int)) $root.Values.identity.authority | quote }}
Agora__Auth__Audience: {{ $root.Values.identity.audience | quote }}
{{- range $i, $network := $root.Values.trustedProxies }}
{{ printf "Agora__TrustedProxies__%d" $i }}: {{ $network | quote }}
{{- end }}
OTEL_SERVICE_NAME: {{ printf "agora-%s" $c.name | quote }}
{{- with $root.Values.telemetry }}
{{- if .otlpEndpoint }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ .otlpEndpoint | quote }}
OTEL_EXPORTER_OTLP_PROTOCOL: {{ .otlpProtocol | quote }}
{{- end }}
{{- end }}
{{- $registry := include "agora.componentName" (list $root "registry") }}
{{- $registryRest := printf "http://%s:%d" $registry ($root.Values.services.registry.restPort | int) }}
{{- $registryGrpc := printf "http://%s:%d" $registry ($root.Values.services.registry.grpcPort | int) }}
{{- if eq $c.name "registry" }}
{{- /* Registry:*, read by services/Registry/Agora.Registry (README "Identity", "Privacy"). */}}
Agora__Auth__Issuer: {{ $root.Values.identity.issuer | quote }}
{{ include "agora.registryKeyEnv" $root }}
{{- with $root.Values.identity.clients }}
{{- range $i, $uri := .web.redirectUris }}
{{ printf "Registry__Identity__Clients__agora-web__RedirectUris__%d" $i }}: {{ $uri | quote }}
{{- end }}
{{- range $i, $uri := .web.postLogoutRedirectUris }}
{{ printf "Registry__Identity__Clients__agora-web__PostLogoutRedirectUris__%d" $i }}: {{ $uri | quote }}
{{- end }}
{{- range $i, $uri := .mobile.redirectUris }}
{{ printf "Registry__Identity__Clients__agora-mobile__RedirectUris__%d" $i }}: {{ $uri | quote }}
{{- end }}
{{- range $i, $uri := .mobile.postLogoutRedirectUris }}
{{ printf "Registry__Identity__Clients__agora-mobile__PostLogoutRedirectUris__%d" $i }}: {{ $uri | quote }}
{{- end }}
{{- end }}
{{- range $id, $p := $root.Values.identity.partners }}
{{ printf "Registry__Identity__Partners__%s__DisplayName" $id }}: {{ default $id $p.displayName | quote }}
{{- end }}
{{- end }}
{{- if eq $c.name "workshops" }}
Workshops__RegistryGrpc: {{ $registryGrpc | quote }}
{{- end }}
{{- if eq $c.name "charter" }}
Charter__RegistryGrpc: {{ $registryGrpc | quote }}
{{- end }}
{{- if eq $c.name "notifications" }}
{{- /* Notifications:*, read by services/Notifications/Agora.Notifications (README "Configuration"). */}}
Notifications__RegistryGrpc: {{ $registryGrpc | quote }}
Notifications__Auth__TokenEndpoint: {{ printf "%s/connect/token" $registryRest | quote }}
Notifications__Auth__ClientId: "agora-notifications"
Notifications__Auth__Scope: "registry.contacts"
Notifications__Smtp__Host: {{ $root.Values.smtp.host | quote }}
Notifications__Smtp__Port: {{ $root.Values.smtp.port | int | quote }}
Notifications__Smtp__Security: {{ $root.Values.smtp.security | quote }}
Notifications__Smtp__From: {{ $root.Values.smtp.from | quote }}
{{- with $root.Values.smtp.username }}
Notifications__Smtp__Username: {{ . | quote }}
{{- end }}
Notifications__Smtp__Timeout: {{ $root.Values.smtp.timeout | quote }}
Notifications__Sms__BaseUrl: {{ $root.Values.sms.baseUrl | quote }}
Notifications__Sms__Sender: {{ $root.Values.sms.sender | quote }}
Notifications__Sms__Timeout: {{ $root.Values.sms.timeout | quote }}
{{- end }}
{{- if eq $c.kind "gateway" }}
{{- /* YARP: one cluster <svc> per service (REST and gRPC, HTTP/2 without TLS to its grpc port), destination "primary". */}}
{{- range $svcName, $svc := $root.Values.services }}
{{- if $svc.enabled }}
{{ printf "ReverseProxy__Clusters__%s__Destinations__primary__Address" $svcName }}: {{ printf "http://%s:%d" (include "agora.componentName" (list $root $svcName)) ($svc.grpcPort | int) | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- range $k, $v := $c.env }}
{{ $k }}: {{ $v | toString | quote }}
{{- end }}
{{- end -}}

{{/* Secret environment of one component: env entries with secretKeyRef. Call with (list $ $component). */}}
{{- define "agora.secretEnv" -}}
{{- $root := index . 0 -}}
{{- $c := index . 1 -}}
{{- if eq $c.kind "service" }}
- name: {{ printf "ConnectionStrings__%s" $c.connectionStringName }}
  valueFrom:
    secretKeyRef:
      name: {{ include "agora.dbSecret" (list $root $c.name) }}
      key: {{ $c.database.existingSecretKey | default "connection-string" }}
- name: ConnectionStrings__rabbitmq
  valueFrom:
    secretKeyRef:
      name: {{ include "agora.rabbitmqSecret" $root }}
      key: {{ $root.Values.rabbitmq.existingSecretKey | default "uri" }}
{{- end }}
{{- if eq $c.name "registry" }}
- name: Registry__Identity__Clients__agora-notifications__Secret
  valueFrom:
    secretKeyRef:
      name: {{ include "agora.clientSecretsSecret" $root }}
      key: notifications
{{- range $id, $p := $root.Values.identity.partners }}
- name: {{ printf "Registry__Identity__Partners__%s__Secret" $id }}
  valueFrom:
    secretKeyRef:
      name: {{ include "agora.clientSecretsSecret" $root }}
      key: {{ printf "partner-%s" $id }}
{{- end }}
{{- end }}
{{- if eq $c.name "notifications" }}
- name: Notifications__Auth__ClientSecret
  valueFrom:
    secretKeyRef:
      name: {{ include "agora.clientSecretsSecret" $root }}
      key: notifications
- name: Notifications__Smtp__Password
  valueFrom:
    secretKeyRef:
      name: {{ include "agora.smtpSecret" $root }}
      key: password
      optional: true
- name: Notifications__Sms__ApiKey
  valueFrom:
    secretKeyRef:
      name: {{ include "agora.smsSecret" $root }}
      key: api-key
      optional: true
{{- end }}
{{- end -}}
