#!/bin/sh
# The long run of the "no server error" property tests: every page, every role, many more generated addresses and
# queries than CI's default (40 examples a test). NO_500_EXAMPLES=5000 scripts/no_server_errors.sh for longer;
# any pytest arguments after it (e.g. -x, or DATABASE_URL=postgres://... in the environment) are passed on.
set -eu
cd "$(dirname "$0")/.."
NO_500_EXAMPLES="${NO_500_EXAMPLES:-2000}" exec .venv/bin/pytest -q -p no:cacheprovider tests/test_no_server_errors.py "$@"
