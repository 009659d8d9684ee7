{{- define "template-recursion.self" }}{{ template "template-recursion.self" . }}{{ end -}}
