// KubeConnection: how to reach and authenticate to the Kubernetes API, from the pod's service
// account (in a cluster) or from a kubeconfig file (outside one).
//
// In-cluster: https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT, the CA in
// <dir>/ca.crt, the bearer token in <dir>/token (a projected token the kubelet rotates, so it is
// re-read for every request: see bearer_token()), the namespace in <dir>/namespace.
// kubeconfig: the current context's cluster (server, certificate-authority[-data],
// insecure-skip-tls-verify) and user (token, tokenFile, client-certificate[-data],
// client-key[-data]); relative paths are relative to the file. exec and auth-provider plugins
// and username/password are refused by name: they would need a program or a flow we do not run.
// $KUBECONFIG may list several files (':'); the first that exists is read (kubectl merges them).
// Thread-safety: plain values; bearer_token() reads a file and may be called from any thread.
//
//   auto connection = resolve_kube_connection(config.kubeconfig);   // flag, $KUBECONFIG, cluster
//   if (!connection.ok()) return connection.status();               // a config error
//   auto token = connection->bearer_token();
#pragma once

#include <string>

#include "common/status.h"

namespace smg::discovery {

inline constexpr const char* kServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

struct KubeConnection {
  std::string server;   // https://10.96.0.1:443 (no trailing slash)
  std::string ca_file;  // PEM file to trust, or
  std::string ca_pem;   // PEM text to trust (certificate-authority-data)
  bool insecure_skip_tls_verify = false;
  std::string token;                              // a fixed bearer token, or
  std::string token_file;                         // a file holding it, re-read for every request
  std::string client_cert_file, client_cert_pem;  // TLS client certificate
  std::string client_key_file, client_key_pem;    // and its key
  std::string default_namespace;                  // the context's or service account's namespace
  std::string source;                             // "in-cluster" or the kubeconfig path, for logs

  // The token to send now (empty: none). Fails with reason "kube_token_unreadable".
  Result<std::string> bearer_token() const;
};

// REQUIRES nothing; fails with reason "kube_config_invalid" naming what is missing.
Result<KubeConnection> load_in_cluster(const std::string& service_host,
                                       const std::string& service_port,
                                       const std::string& service_account_dir = kServiceAccountDir);
Result<KubeConnection> load_kubeconfig_file(const std::string& path);
// `kubeconfig` (the flag) if set, else the first existing file of $KUBECONFIG, else in-cluster
// from the environment.
Result<KubeConnection> resolve_kube_connection(const std::string& kubeconfig);

}  // namespace smg::discovery
