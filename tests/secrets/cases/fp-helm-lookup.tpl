{{- define "app.password" -}}
{{- $secret := lookup "v1" "Secret" .Release.Namespace (include "app.fullname" .) -}}
{{- if $secret -}}
{{- index $secret.data "password" -}}
{{- else -}}
{{- randAlphaNum 32 | b64enc -}}
{{- end -}}
{{- end -}}
