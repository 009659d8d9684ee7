{{- define "include-loop.a" -}}{{ include "include-loop.b" . }}{{- end -}}
{{- define "include-loop.b" -}}{{ include "include-loop.a" . }}{{- end -}}
