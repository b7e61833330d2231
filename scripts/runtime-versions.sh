# The runtimes .ci/run tests on, pinned; sourced by scripts/install-runtimes and .ci/run.
# Node: the engines floor (>=20.19, tested at its first release), the maintenance LTS lines 22
# and 24, and the Active LTS 26 (the full suite). See docs/runtimes.md and docs/decisions/0009.
NODE_FLOOR=20.19.0
NODE_UNIT_VERSIONS=("$NODE_FLOOR" 22.23.5 24.22.3)
NODE_FULL_VERSION=26.12.1
BUN_VERSION=1.4.5
DENO_VERSION=2.9.6
