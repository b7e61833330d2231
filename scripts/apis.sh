# The APIs of this package, one spec each under specs/<api>/openapi.yaml.
# shellcheck disable=SC2034  # sourced by the other scripts
APIS=(cavuer fifthelement caac caac-agent chataibot chataibot-webhook)
