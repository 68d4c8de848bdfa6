# Pinned versions of the local control plane. Bumping one rebuilds only that component: every build lands
# in its own cache directory, keyed by version.
KUBERNETES_VERSION=v1.36.3
ETCD_VERSION=v3.6.16
SOURCE_CONTROLLER_VERSION=v1.9.5
HELM_CONTROLLER_VERSION=v1.6.4
