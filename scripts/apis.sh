# The APIs of this package, from redocly.yaml (scripts/api-list.ts), as the bash array APIS.
# shellcheck disable=SC2034  # sourced by the other scripts
mapfile -t APIS < <(node --import tsx scripts/api-list.ts)
[ "${#APIS[@]}" -gt 0 ] || { echo "apis: could not read the API list from redocly.yaml (error above)" >&2; exit 1; }
