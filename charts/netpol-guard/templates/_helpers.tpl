{{/* The name of every object: one guard per cluster (its ClusterRoles and webhook configuration are cluster-wide). */}}
{{- define "netpol-guard.name" -}}netpol-guard{{- end -}}

{{/* The guard's pod selector (netpol-guard.self.selector, the default app.kubernetes.io/name=netpol-guard). */}}
{{- define "netpol-guard.selectorLabels" -}}
app.kubernetes.io/name: netpol-guard
{{- end -}}

{{/* The labels of k8s/ (app.kubernetes.io/managed-by: Helm there kustomize) and Helm's standard ones. */}}
{{- define "netpol-guard.labels" -}}
{{ include "netpol-guard.selectorLabels" . }}
app.kubernetes.io/part-of: netpol-guard
app.kubernetes.io/component: admission-webhook
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The guard's settings as properties (netpol-guard.*), one a line; empty when every value is the default. */}}
{{- define "netpol-guard.properties" -}}
{{- $g := .Values.guard -}}
{{- if $g.mode }}
netpol-guard.mode={{ $g.mode }}
{{- end }}
{{- if $g.dynakubeMode }}
netpol-guard.dynakube-mode={{ $g.dynakubeMode }}
{{- end }}
{{- if $g.edgeconnectMode }}
netpol-guard.edgeconnect-mode={{ $g.edgeconnectMode }}
{{- end }}
{{- range $id, $flow := $g.flows }}
{{- if $flow.mode }}
netpol-guard.flows."{{ $id }}".mode={{ $flow.mode }}
{{- end }}
{{- if $flow.severity }}
netpol-guard.flows."{{ $id }}".severity={{ $flow.severity }}
{{- end }}
{{- end }}
{{- if $g.operator.namespace }}
netpol-guard.operator.namespace={{ $g.operator.namespace }}
{{- end }}
{{- if $g.operator.webhookPort }}
netpol-guard.operator.webhook-port={{ $g.operator.webhookPort }}
{{- end }}
{{- range $component, $selector := $g.operator.selectors }}
netpol-guard.operator.selectors.{{ $component }}={{ $selector }}
{{- end }}
{{- if $g.kubeDns.namespace }}
netpol-guard.kube-dns.namespace={{ $g.kubeDns.namespace }}
{{- end }}
{{- if $g.kubeDns.selector }}
netpol-guard.kube-dns.selector={{ $g.kubeDns.selector }}
{{- end }}
{{- if $g.controlPlaneCidrs }}
netpol-guard.control-plane.cidrs={{ join "," $g.controlPlaneCidrs }}
{{- end }}
{{- range $host, $addresses := $g.hosts }}
netpol-guard.hosts."{{ $host }}"={{ $addresses }}
{{- end }}
{{- if not (kindIs "invalid" $g.resolver.dns) }}
netpol-guard.resolver.dns={{ $g.resolver.dns }}
{{- end }}
{{- if $g.resolver.timeout }}
netpol-guard.resolver.timeout={{ $g.resolver.timeout }}
{{- end }}
{{- if and .Values.policyReports.enabled .Values.policyReports.leaseName }}
netpol-guard.reports.lease-name={{ .Values.policyReports.leaseName }}
{{- end }}
{{- if ne .Release.Namespace "netpol-guard" }}
netpol-guard.self.namespace={{ .Release.Namespace }}
{{- end }}
{{- end -}}

{{/*
The serving certificate and its CA, made once: read back from the Secret of an earlier release, else generated
(genCA/genSignedCert) for the Service's DNS names (and the host of webhook.url). Returns a dict with cert, key and ca (PEM).
*/}}
{{- define "netpol-guard.generatedCertificate" -}}
{{- $name := include "netpol-guard.name" . -}}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (printf "%s-tls" $name) -}}
{{- if and $existing (index ($existing.data | default dict) "ca.crt") -}}
{{- dict "cert" (index $existing.data "tls.crt" | b64dec) "key" (index $existing.data "tls.key" | b64dec) "ca" (index $existing.data "ca.crt" | b64dec) | toJson -}}
{{- else -}}
{{- $days := int .Values.certificates.helm.validityDays -}}
{{- $ca := genCA (printf "%s-ca" $name) (mul $days 10 | int) -}}
{{- $service := printf "%s.%s.svc" $name .Release.Namespace -}}
{{- $dnsNames := list $service (printf "%s.cluster.local" $service) -}}
{{- $ips := list -}}
{{- if .Values.webhook.url -}}
{{- /* out-of-cluster development: the certificate also names the host of webhook.url */ -}}
{{- $host := (urlParse .Values.webhook.url).hostname -}}
{{- if regexMatch "^[0-9.]+$|:" $host -}}
{{- $ips = append $ips $host -}}
{{- else -}}
{{- $dnsNames = append $dnsNames $host -}}
{{- end -}}
{{- end -}}
{{- $cert := genSignedCert $service $ips $dnsNames $days $ca -}}
{{- dict "cert" $cert.Cert "key" $cert.Key "ca" $ca.Cert | toJson -}}
{{- end -}}
{{- end -}}
