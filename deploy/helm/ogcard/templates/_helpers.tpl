{{/* Name of the release's objects: the release name, with "ogcard" unless it already says so. */}}
{{- define "ogcard.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "ogcard.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "ogcard.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: server
{{- end -}}

{{- define "ogcard.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "ogcard.secretName" -}}
{{- .Values.secret.existingSecret | default (include "ogcard.fullname" .) -}}
{{- end -}}

{{/*
The settings `ogcard serve` and `ogcard warm` share, as OGCARD_* variables:
warm must compute the same cache keys and write the same store as serve.
*/}}
{{- define "ogcard.env" -}}
- name: OGCARD_DATA_DIR
  value: /data
{{- with .Values.cacheURL }}
- name: OGCARD_CACHE_URL
  value: {{ . | quote }}
{{- end }}
- name: OGCARD_LOG_FORMAT
  value: json
- name: OGCARD_LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
- name: OGCARD_DEMO
  value: {{ .Values.demo | quote }}
- name: OGCARD_MAX_AGE
  value: {{ .Values.maxAge | quote }}
- name: OGCARD_FALLBACK_MAX_AGE
  value: {{ .Values.fallbackMaxAge | quote }}
{{- with .Values.fetchAllowHosts }}
- name: OGCARD_FETCH_ALLOW_HOSTS
  value: {{ join "," . | quote }}
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The Secret's keys as variables; optional so a Secret without, say, S3 credentials (IRSA) still starts. */}}
{{- define "ogcard.secretEnv" -}}
{{- $name := include "ogcard.secretName" . -}}
{{- range list "OGCARD_SIGNING_KEYS" "AWS_ACCESS_KEY_ID" "AWS_SECRET_ACCESS_KEY" "OGCARD_PREVIEW_TOKEN" }}
- name: {{ . }}
  valueFrom:
    secretKeyRef:
      name: {{ $name }}
      key: {{ . }}
      optional: true
{{- end }}
{{- end -}}

{{/* Flags naming the mounted configuration file and layout folder, when there are any. */}}
{{- define "ogcard.fileArgs" -}}
{{- if .Values.config }}
- --config=/etc/ogcard/config/ogcard.yaml
{{- end }}
{{- if .Values.layouts }}
- --layouts=/etc/ogcard/layouts
{{- end }}
{{- end -}}

{{- define "ogcard.volumeMounts" -}}
- name: data
  mountPath: /data
- name: tmp
  mountPath: /tmp
{{- if .Values.config }}
- name: config
  mountPath: /etc/ogcard/config
  readOnly: true
{{- end }}
{{- if .Values.layouts }}
- name: layouts
  mountPath: /etc/ogcard/layouts
  readOnly: true
{{- end }}
{{- end -}}

{{- define "ogcard.volumes" -}}
- name: data
  emptyDir: {}
- name: tmp
  emptyDir: {}
{{- if .Values.config }}
- name: config
  configMap:
    name: {{ include "ogcard.fullname" . }}-config
{{- end }}
{{- if .Values.layouts }}
# Mounted as a folder, never with subPath: kubelet swaps the folder's
# ..data link on a change, which ogcard's watcher sees and reloads.
- name: layouts
  configMap:
    name: {{ include "ogcard.fullname" . }}-layouts
{{- end }}
{{- end -}}
