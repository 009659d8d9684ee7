{{- define "app.apiKey" -}}
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
{{- end -}}
