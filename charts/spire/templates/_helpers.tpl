{{/*
The trust domain and the controller class come from the spire dependency's own values, so the ClusterSPIFFEIDs
rendered here can never disagree with what the SPIRE server and controller manager run with.
*/}}
{{- define "idstack-spire.trustDomain" -}}
{{- required "spire.global.spire.trustDomain must be set" (dig "global" "spire" "trustDomain" "" (.Values.spire | default dict)) -}}
{{- end -}}

{{- define "idstack-spire.className" -}}
{{- required "spire.spire-server.controllerManager.className must be set" (dig "spire-server" "controllerManager" "className" "" (.Values.spire | default dict)) -}}
{{- end -}}

{{- define "idstack-spire.labels" -}}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: idstack
app.kubernetes.io/instance: {{ .Release.Name }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/*
Custom resources whose CRD (spire-crds) and admission webhook (controller manager) arrive in wave 0 of this very
Application: a later wave, and no dry run while the CRD does not exist yet on a fresh cluster.
*/}}
{{- define "idstack-spire.crAnnotations" -}}
argocd.argoproj.io/sync-wave: "1"
argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true
{{- end -}}
